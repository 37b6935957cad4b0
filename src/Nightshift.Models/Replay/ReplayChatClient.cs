using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.Models.Errors;
using Nightshift.Models.Recording;
using Nightshift.Models.Usage;

namespace Nightshift.Models.Replay;

/// <summary>
/// Plays a recorded session back: call N must send the conversation recorded for call N, and gets the recorded
/// answer (as a stream when asked for one). Any difference stops the run with a <see cref="ReplayDivergenceException"/>.
/// Responses carry the recorded model, so their cost is what the original session cost.
/// </summary>
public sealed class ReplayChatClient : IChatClient
{
    private readonly IReadOnlyList<CassetteEntry> _entries;
    private readonly string _name;
    private int _calls;

    private ReplayChatClient(string path, IReadOnlyList<CassetteEntry> entries)
    {
        Path = path;
        _name = System.IO.Path.GetFileName(path);
        _entries = entries;
    }

    public string Path { get; }

    public int RecordedCalls => _entries.Count;

    public int CallsServed => Volatile.Read(ref _calls);

    /// <summary>
    /// Reads the cassette at <paramref name="path"/> (a regular file, at most <see cref="ReplayCassettes.MaxCassetteBytes"/>),
    /// or explains why it cannot be used. For a path the caller chose; a model string goes through <see cref="Load(ReplayCassettes, string)"/>.
    /// </summary>
    public static ReplayChatClient Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        return Load(new ReplayCassettes(System.IO.Path.GetDirectoryName(full)), System.IO.Path.GetFileName(full));
    }

    /// <summary>Reads the cassette a <c>replay/&lt;path&gt;</c> model names, from the allowed folder only.</summary>
    public static ReplayChatClient Load(ReplayCassettes cassettes, string cassette)
    {
        ArgumentNullException.ThrowIfNull(cassettes);
        ArgumentNullException.ThrowIfNull(cassette);
        using var stream = cassettes.Open(cassette, out var full);
        return Read(stream, full, cassette);
    }

    private static ReplayChatClient Read(FileStream stream, string full, string path)
    {
        var entries = new List<CassetteEntry>();
        var number = 0;
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        // The size was checked when the file was opened; the bound here holds even if it grew since.
        var budget = ReplayCassettes.MaxCassetteBytes;
        while (reader.ReadLine() is { } line)
        {
            budget -= line.Length + 1;
            if (budget < 0)
            {
                throw new ModelConfigurationException($"replay cassette '{path}' is larger than {ReplayCassettes.MaxCassetteBytes / (1024 * 1024)} MB: it is not a recording Nightshift wrote");
            }
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            CassetteEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<CassetteEntry>(line, CassetteJson.Options);
            }
            catch (JsonException exception)
            {
                throw new ModelConfigurationException($"replay cassette '{path}' line {number} is not a recorded call ({exception.Message}): the file is damaged or not a Nightshift cassette");
            }
            if (entry is null || (entry.Response is null && entry.Error is null))
            {
                throw new ModelConfigurationException($"replay cassette '{path}' line {number} holds neither a response nor an error: the file is damaged or not a Nightshift cassette");
            }
            entries.Add(entry);
        }
        if (entries.Count == 0)
        {
            throw new ModelConfigurationException($"replay cassette '{path}' holds no calls: record a session first");
        }
        return new ReplayChatClient(full, [.. entries.OrderBy(e => e.Call)]);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entry = Next(messages, options);
        return Task.FromResult(Answer(entry));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entry = Next(messages, options);
        foreach (var update in Answer(entry).ToChatResponseUpdates())
        {
            cancellationToken.ThrowIfCancellationRequested();
            (update.AdditionalProperties ??= [])[ModelResponseProperties.Model] = entry.Model;
            yield return update;
            await Task.Yield();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }

    private CassetteEntry Next(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var call = Interlocked.Increment(ref _calls);
        var received = ConversationFingerprint.Of(messages, options?.Instructions);
        if (call > _entries.Count)
        {
            var last = received.Count > 0 ? received[^1] : "(empty conversation)";
            throw Diverged(call, "no more calls", Short(last),
                $"the recording has {_entries.Count} call(s) but call {call} was made (its last message: {Short(last)})");
        }
        var entry = _entries[call - 1];
        var expected = ConversationFingerprint.Of(entry.Messages, entry.Instructions);
        for (var i = 0; i < Math.Min(expected.Count, received.Count); i++)
        {
            if (!string.Equals(expected[i], received[i], StringComparison.Ordinal))
            {
                return ThrowDiverged(call, expected[i], received[i], $"message {i + 1} differs: expected {Short(expected[i])} but received {Short(received[i])}");
            }
        }
        if (expected.Count != received.Count)
        {
            var extra = expected.Count > received.Count ? $"missing {Short(expected[received.Count])}" : $"extra {Short(received[expected.Count])}";
            return ThrowDiverged(call, $"{expected.Count} messages", $"{received.Count} messages",
                $"expected {expected.Count} messages but received {received.Count} ({extra})");
        }
        return entry;
    }

    private ChatResponse Answer(CassetteEntry entry)
    {
        if (entry.Response is not { } response)
        {
            throw new ModelProviderException(Selection.ModelProviders.Replay, ModelFailureKind.ServerError,
                $"replay of '{_name}': the recorded call {entry.Call} failed, and so does this one: {entry.Error}");
        }
        (response.AdditionalProperties ??= [])[ModelResponseProperties.Model] = entry.Model;
        return response;
    }

    private CassetteEntry ThrowDiverged(int call, string expected, string received, string detail) =>
        throw Diverged(call, expected, received, detail);

    private ReplayDivergenceException Diverged(int call, string expected, string received, string detail) =>
        new(Path, call, expected, received,
            $"replay of '{_name}' diverged at call {call} of {_entries.Count}: {detail}. The conversation no longer matches the recording: re-record it or use a live model");

    private static string Short(string text) => text.Length <= 120 ? $"\"{text}\"" : $"\"{text[..117]}...\"";
}

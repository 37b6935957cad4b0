using System.Text;
using System.Text.Json;

namespace Nightshift.Models.Recording;

/// <summary>
/// Appends entries to a JSONL cassette, one flushed line per call, with secrets redacted before anything touches
/// the disk. Safe to share between clients; numbering is per writer.
/// </summary>
public sealed class CassetteWriter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;
    private readonly IReadOnlyList<string> _secrets;
    private int _calls;

    public CassetteWriter(string path, IEnumerable<string>? knownSecrets = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
        _writer = new StreamWriter(new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        _secrets = [.. knownSecrets ?? []];
    }

    public string Path { get; }

    internal int NextCall() => Interlocked.Increment(ref _calls);

    public void Write(CassetteEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = SecretRedactor.Redact(JsonSerializer.Serialize(entry, CassetteJson.Options), _secrets);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}

using System.Text.Json;

namespace Nightshift.TestKit.Models;

/// <summary>A request the scripted server received, headers included (to check keys and their absence).</summary>
public sealed record ReceivedModelRequest(
    int Number,
    ModelWireFormat Format,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    public JsonElement Json { get; } = Parse(Body);

    public string? Model => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("model", out var m) ? m.GetString() : null;

    public bool Stream => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The request's messages array (empty when absent).</summary>
    public IReadOnlyList<JsonElement> Messages =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array
            ? [.. messages.EnumerateArray()]
            : [];

    /// <summary>True when the body mentions <paramref name="text"/> anywhere.</summary>
    public bool Contains(string text) => Body.Contains(text, StringComparison.Ordinal);

    private static JsonElement Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

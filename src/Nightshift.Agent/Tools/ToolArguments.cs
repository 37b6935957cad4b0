using System.Text.Json;

namespace Nightshift.Agent.Tools;

/// <summary>A tool call's arguments after they passed the tool's schema.</summary>
public sealed class ToolArguments(IReadOnlyDictionary<string, JsonElement> values)
{
    public string GetString(string name) =>
        values.TryGetValue(name, out var v) ? v.GetString()! : throw new ToolException($"argument '{name}' is required");

    public string? GetOptionalString(string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public long? GetOptionalInteger(string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    public bool? GetOptionalBoolean(string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>The items of an object-list argument, each as arguments of its own; empty when it was not given.</summary>
    public IReadOnlyList<ToolArguments> GetObjectList(string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object)
                .Select(i => new ToolArguments(i.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)))]
            : [];

    /// <summary>The arguments as one JSON object, for events.</summary>
    public string ToJson() => JsonSerializer.Serialize(values);
}

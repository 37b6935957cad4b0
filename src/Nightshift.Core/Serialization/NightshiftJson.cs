using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Core.Serialization;

/// <summary>The JSON shape used on every surface (API, CLI --json, events): camelCase, enums as wire names.</summary>
public static class NightshiftJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>Serializes an anonymous object or record as an event payload.</summary>
    public static string Payload<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>True when <paramref name="json"/> parses as a single JSON object.</summary>
    public static bool IsObject(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

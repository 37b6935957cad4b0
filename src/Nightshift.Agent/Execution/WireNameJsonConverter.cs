using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Reads and writes an enum of the checkpoint as its member names in lower case, the strings checkpoints and events
/// held before these enums existed. A name this version does not know (one from a newer version) reads as the enum's
/// default member, the one that claims nothing done; a value that is not a string is malformed.
/// </summary>
internal sealed class WireNameJsonConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToFrozenDictionary(value => value, value => value.ToString().ToLowerInvariant());

    private static readonly FrozenDictionary<string, TEnum> Values =
        Names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static string ToWire(TEnum value) => Names.GetValueOrDefault(value) ?? Names[default];

    public static TEnum FromWire(string? wire) => wire is not null && Values.TryGetValue(wire, out var value) ? value : default;

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? FromWire(reader.GetString())
            : throw new JsonException($"a checkpoint's {typeof(TEnum).Name} must be a string, not {reader.TokenType}");

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToWire(value));
}

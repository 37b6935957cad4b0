using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>Reads and writes <see cref="PlanMode"/> as the lower-case names checkpoints and <c>plan.ready</c> have always used.</summary>
internal sealed class PlanModeJsonConverter : JsonConverter<PlanMode>
{
    public static string ToWire(PlanMode mode) => mode switch
    {
        PlanMode.Single => "single",
        PlanMode.Fallback => "fallback",
        PlanMode.Edited => "edited",
        _ => "planned",
    };

    public static PlanMode FromWire(string? wire) => wire switch
    {
        "single" => PlanMode.Single,
        "fallback" => PlanMode.Fallback,
        "edited" => PlanMode.Edited,
        _ => PlanMode.Planned,
    };

    public override PlanMode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? FromWire(reader.GetString())
            : throw new JsonException($"a checkpoint's plan mode must be a string, not {reader.TokenType}");

    public override void Write(Utf8JsonWriter writer, PlanMode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToWire(value));
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Reads and writes <see cref="CheckpointStage"/> as the lower-case names checkpoints have always held. A name this
/// version does not know (one from a newer version) reads as <see cref="CheckpointStage.Prepared"/>: nothing done.
/// </summary>
internal sealed class CheckpointStageJsonConverter : JsonConverter<CheckpointStage>
{
    public static string ToWire(CheckpointStage stage) => stage switch
    {
        CheckpointStage.Planned => "planned",
        CheckpointStage.Built => "built",
        CheckpointStage.Verified => "verified",
        CheckpointStage.Committed => "committed",
        CheckpointStage.Pushed => "pushed",
        CheckpointStage.Published => "published",
        _ => "prepared",
    };

    public static CheckpointStage FromWire(string? wire) => wire switch
    {
        "planned" => CheckpointStage.Planned,
        "built" => CheckpointStage.Built,
        "verified" => CheckpointStage.Verified,
        "committed" => CheckpointStage.Committed,
        "pushed" => CheckpointStage.Pushed,
        "published" => CheckpointStage.Published,
        _ => CheckpointStage.Prepared,
    };

    public override CheckpointStage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? FromWire(reader.GetString())
            : throw new JsonException($"a checkpoint's stage must be a string, not {reader.TokenType}");

    public override void Write(Utf8JsonWriter writer, CheckpointStage value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToWire(value));
}

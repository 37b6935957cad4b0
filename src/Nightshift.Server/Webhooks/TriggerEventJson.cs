using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Server.Webhooks;

/// <summary>How a <see cref="TriggerEvent"/> is kept with its delivery between the intake and the trigger processor.</summary>
internal static class TriggerEventJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        MaxDepth = 16,
    };

    public static string Write(TriggerEvent trigger) => JsonSerializer.Serialize(trigger, Options);

    /// <exception cref="JsonException">the text is not a trigger this version can read.</exception>
    public static TriggerEvent Read(string json) =>
        JsonSerializer.Deserialize<TriggerEvent>(json, Options) ?? throw new JsonException("the kept trigger is null");
}

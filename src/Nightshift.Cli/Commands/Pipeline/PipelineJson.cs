using System.Globalization;
using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary>Reads fields of the pipeline routes' answers for people: cleaned, clipped, times as UTC.</summary>
internal static class PipelineJson
{
    public static string Text(JsonElement element, string name, int max = 200) => SafeText.Clean(WebhookJson.Text(element, name) ?? "", max);

    public static string Age(JsonElement element, string name, DateTimeOffset now)
    {
        if (WebhookJson.Text(element, name) is not { } text || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return "–";
        }
        var age = now - time;
        return age.TotalSeconds < 60 ? "just now"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes}m ago"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h ago"
            : $"{(int)age.TotalDays}d ago";
    }

    /// <summary>A step's output as one line: compact JSON, cleaned and clipped.</summary>
    public static string Output(JsonElement step, int max)
    {
        if (!step.TryGetProperty("output", out var output) || output.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return "";
        }
        return SafeText.Clean(output.GetRawText(), max);
    }
}

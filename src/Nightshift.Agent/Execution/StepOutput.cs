using System.Text;
using System.Text.Json;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>A pipeline step's output (<see cref="RunStepRecord.Output"/>): a JSON object of at most <see cref="RunStepRecord.MaxOutputBytes"/>.</summary>
internal static class StepOutput
{
    /// <summary>How much of an agent step's summary its output carries.</summary>
    public const int MaxSummaryChars = 4_000;

    /// <summary><paramref name="value"/> (a record) as the JSON object of an output.</summary>
    public static JsonElement Of<T>(T value) => JsonSerializer.SerializeToElement(value, NightshiftJson.Options);

    /// <summary>
    /// The output a command printed: its last non-empty stdout line when that is a JSON object of at most
    /// <see cref="RunStepRecord.MaxOutputBytes"/>; otherwise null and <paramref name="whyNone"/> says why (no line at
    /// all is not worth saying).
    /// </summary>
    public static JsonElement? FromStdout(string stdout, out string? whyNone)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        whyNone = null;
        var text = stdout.AsSpan().TrimEnd();
        if (text.IsEmpty)
        {
            return null;
        }
        var start = text.LastIndexOf('\n') + 1;
        var line = text[start..].Trim().ToString();
        if (line.Length == 0 || line[0] != '{')
        {
            whyNone = "the last line of its stdout is not a JSON object";
            return null;
        }
        if (Encoding.UTF8.GetByteCount(line) > RunStepRecord.MaxOutputBytes)
        {
            whyNone = $"the JSON object on the last line of its stdout is larger than {RunStepRecord.MaxOutputBytes} bytes";
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                whyNone = "the last line of its stdout is not a JSON object";
                return null;
            }
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            whyNone = "the last line of its stdout starts like a JSON object but does not parse as one";
            return null;
        }
    }
}

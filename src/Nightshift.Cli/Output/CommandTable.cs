using System.Globalization;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Output;

/// <summary>
/// <c>nightshift commands</c>'s table: number, phase, how it ended (exit code, or the limit that ended it), duration,
/// network (policy, then connections allowed/refused) and the command line, flattened to one printable line and cut to
/// the room left in <c>width</c> cells.
/// </summary>
internal static class CommandTable
{
    private const string Gap = "  ";
    private const int MinCommand = 10;
    private static readonly string[] Headers = ["#", "PHASE", "EXIT", "TIME", "NET", "COMMAND"];

    /// <summary>The header and one line per command (an element of the route's <c>commands</c>).</summary>
    public static IReadOnlyList<string> Lines(IEnumerable<JsonElement> commands, int width)
    {
        var rows = commands.Select(c => new[]
        {
            Number(c, "seq"),
            SafeText.Clean(Text(c, "phase"), 10),
            SafeText.Clean(Text(c, "limit") is { Length: > 0 } limit ? limit : Number(c, "exitCode"), 10),
            Duration(c.TryGetProperty("durationMs", out var ms) && ms.TryGetInt64(out var value) ? value : 0),
            Network(c),
            SafeText.Clean(Text(c, "command"), 4_000),
        }).ToList();
        var widths = Headers.Select((h, i) => rows.Select(r => r[i].GetCellWidth()).Prepend(h.Length).Max()).ToArray();
        var fixedWidth = widths[..^1].Sum() + (Gap.Length * (widths.Length - 1));
        widths[^1] = Math.Max(MinCommand, Math.Max(width, 1) - fixedWidth);
        var lines = new List<string>(rows.Count + 1) { Line(Headers, widths) };
        lines.AddRange(rows.Select(r => Line(r, widths)));
        return lines;
    }

    /// <summary>"0.42s", "12.3s", "4m05s", "1h02m".</summary>
    public static string Duration(long milliseconds)
    {
        var time = TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));
        return time.TotalSeconds switch
        {
            < 10 => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s",
            < 60 => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
            < 3600 => $"{(int)time.TotalMinutes}m{time.Seconds:00}s",
            _ => $"{(int)time.TotalHours}h{time.Minutes:00}m",
        };
    }

    private static string Network(JsonElement command)
    {
        var policy = SafeText.Clean(Text(command, "network"), 10);
        var allowed = Count(command, "networkAllowed");
        var denied = Count(command, "networkDenied");
        return allowed + denied == 0 ? policy : $"{policy} +{allowed}/-{denied}";
    }

    private static long Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt64(out var count) ? count : 0;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : "?";

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = TaskTable.Fit(cells[i], widths[i]);
            line.Append(cell);
            if (i < cells.Length - 1)
            {
                line.Append(' ', Math.Max(0, widths[i] - cell.GetCellWidth())).Append(Gap);
            }
        }
        return line.ToString();
    }
}

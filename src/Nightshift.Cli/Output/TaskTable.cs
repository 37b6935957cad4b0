using System.Text;
using Nightshift.Core.Tasks;
using Nightshift.Core.Text;
using Nightshift.Core.Usage;
using Spectre.Console;

namespace Nightshift.Cli.Output;

/// <summary>
/// <c>nightshift ls</c>'s table: plain columns that fit a given width. ID, status, age and cost are never cut; the title
/// takes the room left and is cut with "…"; the repository reads as its last two path parts, is cut too, and is left
/// out when even then the line would not fit.
/// </summary>
internal static class TaskTable
{
    private const string Gap = "  ";
    private const int MinTitle = 10;
    private const int MinRepo = 12;
    private const int ComfortableTitle = 24;
    private const int Hidden = -1;

    private static readonly string[] Headers = ["ID", "STATUS", "TITLE", "REPO", "CREATED", "COST"];
    private const int Title = 2;
    private const int Repo = 3;

    /// <summary>The header and one line per task, each at most <paramref name="width"/> cells wide when that is possible at all.</summary>
    public static IReadOnlyList<string> Lines(IEnumerable<TaskRecord> tasks, DateTimeOffset now, int width)
    {
        var rows = tasks.Select(task => new[]
        {
            SafeText.Clean(task.ShortId, 26),
            SafeText.Clean(TaskFormatter.Status(task), 40),
            SafeText.Clean(task.Title, 200),
            SafeText.Clean(RepoName(task.Repo), 200),
            TaskFormatter.Age(task.CreatedAt, now),
            CostText.Format(task.Usage),
        }).ToList();

        var widths = Headers.Select((header, i) => rows.Select(r => r[i].GetCellWidth()).Prepend(header.Length).Max()).ToArray();
        var naturalTitle = widths[Title];
        var excess = widths.Sum() + (Gap.Length * (widths.Length - 1)) - Math.Max(width, 1);
        // The title gives way first down to a comfortable width, then the repository; if that is not enough the
        // repository column goes (the title is worth more), and the title takes back what that freed, or gives more way.
        excess = Shrink(widths, Title, ComfortableTitle, excess);
        excess = Shrink(widths, Repo, MinRepo, excess);
        if (excess > 0)
        {
            excess -= widths[Repo] + Gap.Length;
            widths[Repo] = Hidden;
        }
        excess = Shrink(widths, Title, MinTitle, excess);
        excess = Shrink(widths, Title, 1, excess);
        if (excess < 0)
        {
            widths[Title] = Math.Min(naturalTitle, widths[Title] - excess);
        }

        var lines = new List<string>(rows.Count + 1) { Line(Headers, widths) };
        lines.AddRange(rows.Select(r => Line(r, widths)));
        return lines;
    }

    /// <summary>"https://host/owner/name.git" reads as "owner/name"; a local path keeps its last two parts.</summary>
    public static string RepoName(string? repo)
    {
        if (string.IsNullOrWhiteSpace(repo))
        {
            return "";
        }
        var path = repo.Trim();
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            path = path[(scheme + 3)..];
        }
        else if (path.StartsWith("git@", StringComparison.Ordinal) && path.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon)
        {
            path = path[(colon + 1)..];
        }
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^4];
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length <= 2 ? string.Join('/', parts) : string.Join('/', parts[^2..]);
    }

    private static int Shrink(int[] widths, int column, int floor, int excess)
    {
        if (excess <= 0 || widths[column] <= floor)
        {
            return excess;
        }
        var take = Math.Min(excess, widths[column] - floor);
        widths[column] -= take;
        return excess - take;
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        var last = Array.FindLastIndex(widths, w => w != Hidden);
        for (var i = 0; i <= last; i++)
        {
            if (widths[i] == Hidden)
            {
                continue;
            }
            var cell = Fit(cells[i], widths[i]);
            line.Append(cell);
            if (i < last)
            {
                line.Append(' ', Math.Max(0, widths[i] - cell.GetCellWidth())).Append(Gap);
            }
        }
        return line.ToString();
    }

    /// <summary>The text cut to <paramref name="width"/> terminal cells, ending in "…" when it was cut.</summary>
    public static string Fit(string text, int width)
    {
        if (text.GetCellWidth() <= width)
        {
            return text;
        }
        if (width <= 0)
        {
            return "";
        }
        var cut = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var cells = rune.ToString().GetCellWidth();
            if (used + cells > width - 1)
            {
                break;
            }
            cut.Append(rune.ToString());
            used += cells;
        }
        return cut.ToString().TrimEnd() + "…";
    }
}

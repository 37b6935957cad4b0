using System.Text;

namespace Nightshift.Core.Tasks;

/// <summary>
/// The short title a task gets when its submitter gives none: what the instruction asks for first, in one line a list
/// or a branch name can carry.
/// </summary>
public static class TaskTitles
{
    /// <summary>The longest derived title, the ellipsis included.</summary>
    public const int MaxDerivedLength = 80;

    private const string Ellipsis = "…";

    // Words whose full stop does not end a sentence ("e.g. the login form" is one sentence).
    private static readonly string[] Abbreviations = ["e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.", "no.", "fig."];

    /// <summary>
    /// The instruction's first sentence or its first line, whichever is shorter, without a list marker or heading mark,
    /// cut on a word boundary with "…" to at most <see cref="MaxDerivedLength"/> characters. A header that only
    /// introduces a list ("Three steps:") takes the list's first item along, so the title says what is done.
    /// </summary>
    public static string Derive(string? instruction)
    {
        var lines = (instruction ?? "").Split('\n').Select(OneLine).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0)
        {
            return "";
        }

        var first = StripMarker(lines[0]);
        var head = FirstSentence(first.Length > 0 ? first : lines[0]);
        if (head.Length == first.Length && head.EndsWith(':') && lines.Count > 1 && IsListItem(lines[1]))
        {
            var item = FirstSentence(StripMarker(lines[1]));
            if (item.Length > 0)
            {
                head = $"{head} {item}";
            }
        }
        return Cut(head.TrimEnd('.').TrimEnd());
    }

    /// <summary>The text cut on a word boundary with "…" to at most <paramref name="max"/> characters (unchanged when it fits).</summary>
    public static string Cut(string text, int max = MaxDerivedLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        if (text.Length <= max)
        {
            return text;
        }
        var room = max - Ellipsis.Length;
        var space = text.LastIndexOf(' ', room);
        var cut = space > max / 2 ? space : room;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }
        return text[..cut].TrimEnd(' ', ',', ';', ':', '-', '.') + Ellipsis;
    }

    private static string FirstSentence(string line)
    {
        for (var i = 0; i < line.Length - 1; i++)
        {
            if (line[i] is '.' or '!' or '?' && line[i + 1] == ' ' && !IsAbbreviation(line, i))
            {
                return line[..(i + 1)];
            }
        }
        return line;
    }

    private static bool IsAbbreviation(string line, int stop)
    {
        if (line[stop] != '.')
        {
            return false;
        }
        var start = line.LastIndexOf(' ', stop) + 1;
        var word = line[start..(stop + 1)];
        return word.Length == 2 || Abbreviations.Any(a => word.EndsWith(a, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsListItem(string line) => MarkerLength(line) > 0;

    private static string StripMarker(string line)
    {
        var marker = MarkerLength(line);
        if (marker == 0 && line.StartsWith('#'))
        {
            marker = line.TakeWhile(c => c == '#').Count();
        }
        return line[marker..].TrimStart();
    }

    /// <summary>How many characters a list marker takes at the start of the line ("- ", "* ", "1. ", "2) "), or 0.</summary>
    private static int MarkerLength(string line)
    {
        if (line.Length >= 2 && line[0] is '-' or '*' or '+' or '•' && line[1] == ' ')
        {
            return 2;
        }
        var digits = line.TakeWhile(char.IsAsciiDigit).Count();
        return digits is > 0 and <= 3 && line.Length > digits + 1 && line[digits] is '.' or ')' && line[digits + 1] == ' ' ? digits + 2 : 0;
    }

    /// <summary>The line with control characters as spaces and runs of white space as one.</summary>
    private static string OneLine(string line)
    {
        var text = new StringBuilder(line.Length);
        foreach (var c in line)
        {
            var blank = char.IsWhiteSpace(c) || char.IsControl(c);
            if (blank && (text.Length == 0 || text[^1] == ' '))
            {
                continue;
            }
            text.Append(blank ? ' ' : c);
        }
        return text.ToString().TrimEnd();
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace Nightshift.Forges.GitLab;

/// <summary>
/// A job's log (trace) as people read it: GitLab's collapsible-section markers and terminal colour codes removed, line
/// ends made plain, other control characters dropped. The log is the job's output: data, never instructions.
/// </summary>
internal static partial class GitLabJobLog
{
    /// <summary>Decodes the tail of a log, which may start inside a UTF-8 character, and cleans it.</summary>
    public static string FromTail(ReadOnlySpan<byte> tail, bool cut)
    {
        var start = 0;
        // A tail cut mid-character starts with continuation bytes (10xxxxxx): skip them rather than show a replacement mark.
        while (cut && start < tail.Length && start < 3 && (tail[start] & 0xC0) == 0x80)
        {
            start++;
        }
        return Clean(Encoding.UTF8.GetString(tail[start..]));
    }

    public static string Clean(string text)
    {
        text = SectionMarker().Replace(text, string.Empty);
        text = EscapeSequence().Replace(text, string.Empty);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    continue;
                }
                builder.Append('\n');
            }
            else if (c is '\n' or '\t' || !char.IsControl(c))
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    [GeneratedRegex(@"section_(?:start|end):\d+:[^\r\n\x1b]{0,200}\r?(?:\x1b\[0K)?", RegexOptions.CultureInvariant)]
    private static partial Regex SectionMarker();

    // CSI sequences (colours, erase line) and the two-character escapes.
    [GeneratedRegex(@"\x1b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]|\x1b[@-Z\\-_]", RegexOptions.CultureInvariant)]
    private static partial Regex EscapeSequence();
}

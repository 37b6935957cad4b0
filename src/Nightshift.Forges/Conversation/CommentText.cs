using System.Globalization;
using System.Text;

namespace Nightshift.Forges.Conversation;

/// <summary>
/// The one way a comment body Nightshift posts on a forge is made safe: text copied from people (an issue's title, a
/// failing test's output, a model's answer) must not ping anyone, so every <c>@name</c> mention gets a zero-width
/// joiner after its <c>@</c> (it reads the same and the forge does not link or notify it); NUL and other control
/// characters but newline and tab are dropped; and the text is clipped to what the forge takes, never cutting a
/// character in half, with a line that says it was cut.
/// </summary>
public static class CommentText
{
    /// <summary>GitHub refuses comment bodies longer than this (characters).</summary>
    public const int GitHubMaxChars = 65_536;

    /// <summary>Put between <c>@</c> and a name so the mention neither links nor notifies.</summary>
    public const char ZeroWidthJoiner = '\u200D';

    public const string CutMarker = "\n\n… (cut by Nightshift: the forge takes no longer comments)";

    /// <returns><paramref name="text"/> with mentions defused and control characters dropped, at most <paramref name="maxChars"/> characters.</returns>
    public static string Sanitize(string? text, int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, CutMarker.Length + 1);
        var source = text ?? string.Empty;
        var builder = new StringBuilder(Math.Min(source.Length + 16, maxChars + 64));
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '\r' && i + 1 < source.Length && source[i + 1] == '\n')
            {
                continue;
            }
            if (char.IsControl(c) && c is not '\n' and not '\t')
            {
                if (c == '\r')
                {
                    builder.Append('\n');
                }
                continue;
            }
            builder.Append(c);
            if (c == '@' && StartsMention(source, i))
            {
                builder.Append(ZeroWidthJoiner);
            }
        }
        return Clip(builder.ToString(), maxChars);
    }

    /// <summary>
    /// true where the forge would take the <c>@</c> at <paramref name="at"/> as a mention: a name character follows, and
    /// what precedes is not a word character (an e-mail address, <c>a@b</c>, is no mention).
    /// </summary>
    private static bool StartsMention(string text, int at)
    {
        if (at + 1 >= text.Length || !(char.IsAsciiLetterOrDigit(text[at + 1]) || text[at + 1] is '-' or '_'))
        {
            return false;
        }
        return at == 0 || !(char.IsLetterOrDigit(text[at - 1]) || text[at - 1] == '_');
    }

    private static string Clip(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var room = max - CutMarker.Length;
        var end = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var next = elements.ElementIndex + elements.GetTextElement().Length;
            if (next > room)
            {
                break;
            }
            end = next;
        }
        return text[..end] + CutMarker;
    }
}

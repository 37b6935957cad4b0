using System.Text;

namespace Nightshift.Forges.Gitea;

/// <summary>
/// Makes text Nightshift posts on Gitea unable to ping anyone: an @ that would start a mention gets a zero-width space
/// after it, so "@alice" still reads as such but notifies nobody. Control characters other than line breaks and tabs
/// are dropped. Kept private to the Gitea client until the forges share one sanitiser.
/// </summary>
internal static class GiteaMentions
{
    private const char ZeroWidthSpace = '\u200B';

    public static string Defuse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var result = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\n' or '\t' or '\r'))
            {
                continue;
            }
            result.Append(c);
            // Gitea mentions are @ followed by a user name character; anything else after @ pings nobody already.
            if (c == '@' && i + 1 < text.Length && (char.IsAsciiLetterOrDigit(text[i + 1]) || text[i + 1] is '-' or '_' or '.'))
            {
                result.Append(ZeroWidthSpace);
            }
        }
        return result.ToString();
    }
}

using System.Text;

namespace Nightshift.Forges.GitLab;

/// <summary>
/// Makes text Nightshift posts on GitLab inert: it is often people's or a model's words quoted back. A mention
/// (<c>@user</c>, <c>@group</c>, <c>@all</c>) would notify people, and a line starting with <c>/</c> is a quick action
/// GitLab runs with the token's rights (<c>/merge</c>, <c>/approve</c>, <c>/close</c>). A zero-width space after the
/// <c>@</c> and before such a <c>/</c> leaves the text reading the same and does neither.
/// </summary>
internal static class GitLabMarkdown
{
    public const char ZeroWidthSpace = '\u200B';

    public static string Quiet(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (lineStart && c is ' ' or '\t')
            {
                builder.Append(c);
                continue;
            }
            if (lineStart && c == '/')
            {
                builder.Append(ZeroWidthSpace);
            }
            if (c == '@' && i + 1 < text.Length && IsNameStart(text[i + 1]) && (i == 0 || !IsNameChar(text[i - 1])))
            {
                builder.Append('@').Append(ZeroWidthSpace);
                lineStart = false;
                continue;
            }
            builder.Append(c);
            lineStart = c is '\n' or '\r';
        }
        return builder.ToString();
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    // A word character before '@' makes it an e-mail address, which GitLab does not treat as a mention.
    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '+';
}

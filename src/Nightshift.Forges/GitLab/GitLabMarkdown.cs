using System.Text;
using Nightshift.Forges.Conversation;

namespace Nightshift.Forges.GitLab;

/// <summary>
/// Makes text Nightshift posts on GitLab inert: it is often people's or a model's words quoted back. Mentions are
/// defused by the shared <see cref="CommentText"/>; on GitLab a line starting with <c>/</c> is also a quick action that
/// GitLab runs with the token's rights (<c>/merge</c>, <c>/approve</c>, <c>/close</c>), so a zero-width space goes
/// before such a <c>/</c>: the line reads the same and does nothing.
/// </summary>
internal static class GitLabMarkdown
{
    public const char ZeroWidthSpace = '\u200B';

    /// <returns><paramref name="text"/> with mentions defused, control characters dropped, no line a quick action, at most <paramref name="maxChars"/> characters.</returns>
    public static string Quiet(string text, int maxChars)
    {
        var safe = CommentText.Sanitize(text, maxChars);
        var builder = new StringBuilder(safe.Length + 16);
        var lineStart = true;
        foreach (var c in safe)
        {
            if (lineStart && c is ' ' or '\t')
            {
                builder.Append(c);
                continue;
            }
            if (lineStart && c == '/')
            {
                builder.Append(ZeroWidthSpace);
            }
            builder.Append(c);
            lineStart = c == '\n';
        }
        // The spaces added may push the text past the limit: cut again, on the same terms.
        return builder.Length <= maxChars ? builder.ToString() : CommentText.Sanitize(builder.ToString(), maxChars);
    }
}

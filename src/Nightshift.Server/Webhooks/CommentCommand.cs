namespace Nightshift.Server.Webhooks;

/// <summary>
/// A <c>/nightshift …</c> command at the start of a comment. Only the very start counts: a command quoted further down
/// (or inside someone else's text) is just text.
/// </summary>
internal static class CommentCommand
{
    /// <returns>true when the comment is a command, with what follows the command word (trimmed, maybe empty).</returns>
    public static bool TryParse(string? body, string commandWord, out string instruction)
    {
        instruction = "";
        if (body is null)
        {
            return false;
        }
        var text = body.TrimStart();
        var command = "/" + commandWord;
        if (!text.StartsWith(command, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var rest = text[command.Length..];
        if (rest.Length > 0 && !char.IsWhiteSpace(rest[0]))
        {
            // "/nightshiftly" is another word.
            return false;
        }
        instruction = rest.Trim();
        return true;
    }
}

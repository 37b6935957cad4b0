using Nightshift.Core.Errors;

namespace Nightshift.Core.Tasks;

/// <summary>
/// What a person says to a task: a message while it is queued or running, or the answer to its question while it is
/// awaiting_input. The text is data for the agent, never an instruction to the platform.
/// </summary>
/// <param name="Author">who sends it (the authenticated caller, "api", a forge user's login).</param>
/// <param name="Source">where it comes from: api, cli, dashboard, github, gitlab, gitea, …</param>
/// <param name="Text">what they say; newlines and tabs are kept, other control characters are refused.</param>
public sealed record TaskMessage(string Author, string Source, string Text)
{
    public const int MaxTextLength = 8_000;
    public const int MaxAuthorLength = 100;
    public const int MaxSourceLength = 40;

    /// <summary>Returns the message with surrounding whitespace trimmed, or throws with every problem found.</summary>
    /// <exception cref="ValidationException">a field is missing, too long or holds control characters.</exception>
    public TaskMessage Validated()
    {
        var errors = new Dictionary<string, string[]>();
        var text = Text?.Trim() ?? "";
        if (text.Length == 0)
        {
            errors["text"] = ["is required: say what the task should know, for example \"use the v2 endpoint\""];
        }
        else if (text.Length > MaxTextLength)
        {
            errors["text"] = [$"is {text.Length} characters long; at most {MaxTextLength} are accepted — shorten it or put long material in the repository"];
        }
        else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors["text"] = ["contains control characters; only newlines and tabs are accepted"];
        }

        var author = Author?.Trim() ?? "";
        if (author.Length is 0 or > MaxAuthorLength || author.Any(char.IsControl))
        {
            errors["author"] = [$"must be a name of 1 to {MaxAuthorLength} printable characters"];
        }

        var source = Source?.Trim() ?? "";
        if (source.Length is 0 or > MaxSourceLength || source.Any(char.IsControl))
        {
            errors["source"] = [$"must be a short name such as api, cli, dashboard or github (at most {MaxSourceLength} characters)"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return new TaskMessage(author, source, text.ReplaceLineEndings("\n"));
    }
}

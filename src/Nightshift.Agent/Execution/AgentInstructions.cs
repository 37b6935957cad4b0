using System.Text;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The repository's AGENTS.md, passed on to the model. Read through <see cref="RepoFiles"/> with a bound: a link, a
/// FIFO or a huge file written by a setup command is not instructions.
/// </summary>
internal static class AgentInstructions
{
    public const string FileName = "AGENTS.md";

    /// <summary>The text, cut at <paramref name="maxChars"/> with a note; null when there is no such regular text file.</summary>
    public static async Task<string?> ReadAsync(string worktree, int maxChars, CancellationToken cancellationToken = default)
    {
        if (!RepoFiles.Stat(worktree, FileName).IsRegular)
        {
            return null;
        }
        RepoFileContent content;
        try
        {
            // A UTF-8 character takes at most four bytes: this many always hold maxChars characters.
            content = await RepoFiles.ReadAsync(worktree, FileName, Math.Max(0, maxChars) * 4L, cancellationToken);
        }
        catch (RepoFileException)
        {
            return null;
        }
        var bytes = content.Bytes.AsSpan();
        if (bytes[..Math.Min(bytes.Length, 8_000)].Contains((byte)0))
        {
            // Binary content is not instructions, and NUL characters have no place in a prompt.
            return null;
        }
        var text = Encoding.UTF8.GetString(bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);
        return text.Length <= maxChars && !content.Truncated
            ? text
            : text[..Math.Min(text.Length, maxChars)] + "\n[AGENTS.md was cut here: it is longer than Nightshift passes on]";
    }
}

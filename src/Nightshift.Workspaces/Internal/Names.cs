using System.Text;

namespace Nightshift.Workspaces.Internal;

/// <summary>Task branch names, slugs, and the checks on names that reach git as arguments or paths.</summary>
internal static class Names
{
    public const string BranchPrefix = "nightshift/";
    public const int MaxSlugLength = 40;

    /// <summary>Lowercase ASCII letters and digits joined by single hyphens, at most 40 characters.</summary>
    public static string Slug(string? title)
    {
        var builder = new StringBuilder();
        foreach (var c in (title ?? "").ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
            if (builder.Length >= MaxSlugLength)
            {
                break;
            }
        }
        return builder.ToString().Trim('-');
    }

    public static string TaskBranch(string taskId, string? title)
    {
        var shortId = Slug(taskId.Length <= 8 ? taskId : taskId[^8..]);
        if (shortId.Length == 0)
        {
            shortId = "task";
        }
        var slug = Slug(title);
        return slug.Length == 0 ? BranchPrefix + shortId : $"{BranchPrefix}{shortId}-{slug}";
    }

    /// <summary>
    /// The mirror's local branch of a follow-up's worktree: its own name, outside the <c>nightshift/</c> namespace, so it
    /// never collides with the continued branch, which the parent's worktree may still have checked out.
    /// </summary>
    public static string FollowUpBranch(string taskId) => "nightshift-followup/" + taskId;

    /// <summary>A pipeline step task's local branch in the mirror: its own, so two steps of one run never share a ref.</summary>
    public static string StepBranch(string taskId) => "nightshift-step/" + taskId;

    /// <summary>Task ids become folder names; only a conservative alphabet is accepted.</summary>
    public static bool IsValidTaskId(string? taskId) =>
        taskId is { Length: > 0 and <= 64 }
        && char.IsAsciiLetterOrDigit(taskId[0])
        && taskId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>git's own branch-name rules (check-ref-format --branch), plus no leading '-'.</summary>
    public static string? BranchProblem(string name)
    {
        if (name.Length is 0 or > 200)
        {
            return "must be 1 to 200 characters";
        }
        if (name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '~' or '^' or ':' or '?' or '*' or '[' or '\\'))
        {
            return "may not contain spaces, control characters or any of ~ ^ : ? * [ \\";
        }
        if (name.StartsWith('-') || name.StartsWith('/') || name.EndsWith('/') || name.EndsWith('.') || name == "@" || name == "HEAD")
        {
            return "may not start with '-' or '/', end with '/' or '.', or be '@' or 'HEAD'";
        }
        if (name.Contains("..", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal) || name.Contains("//", StringComparison.Ordinal))
        {
            return "may not contain '..', '@{' or '//'";
        }
        if (name.Split('/').Any(part => part.StartsWith('.') || part.EndsWith(".lock", StringComparison.Ordinal)))
        {
            return "no part may start with '.' or end with '.lock'";
        }
        return null;
    }
}

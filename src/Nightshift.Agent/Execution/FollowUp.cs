using System.Text;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution;

/// <summary>
/// A task that continues an earlier task's branch and pull request (<see cref="TaskRecord.FollowUpOf"/>): what the agent
/// is told of the earlier work, and the pull request's title and body after the follow-up's push, which keep the earlier
/// text and add a line under "Follow-ups".
/// </summary>
internal sealed record FollowUp(TaskRecord Parent, PullRequest PullRequest)
{
    public const string SectionHeading = "## Follow-ups";

    /// <summary>How much of the earlier task's instruction the agent is shown as context.</summary>
    public const int MaxParentInstructionChars = 3_000;

    /// <summary>How much of the follow-up's own instruction its line in the pull request's body quotes.</summary>
    public const int MaxAskedChars = 200;

    private static readonly string[] TitlePrefixes = ["[needs review] ", "Draft: ", "WIP: ", "[WIP] "];

    /// <summary>
    /// The parent and its pull request, or the reason the follow-up cannot run (it then fails at once: a retry would
    /// find the same). The parent's branch must have been pushed and its pull request opened.
    /// </summary>
    public static async Task<(FollowUp? FollowUp, string? Refusal)> LoadAsync(TaskRecord task, IFollowUpSource? source, CancellationToken cancellationToken)
    {
        var parentId = task.FollowUpOf!;
        if (source is null)
        {
            return (null, $"task {task.Id} follows up task {parentId}, but this worker has no task store to read it from; run follow-ups on a Nightshift server");
        }
        var parent = await source.FindParentAsync(parentId, cancellationToken);
        if (parent is null)
        {
            return (null, $"task {parentId}, which this task follows up, does not exist; ask for a new task instead");
        }
        if (parent.PullRequest is not { } pull || string.IsNullOrEmpty(pull.Branch))
        {
            return (null, $"task {parentId} has no pull request to follow up; retry it or ask for a new task");
        }
        if (!string.Equals(parent.Task.Repo, task.Repo, StringComparison.Ordinal) || !string.Equals(pull.Repo, task.Repo, StringComparison.Ordinal))
        {
            return (null, $"task {parentId}, which this task follows up, belongs to another repository ({Clipping.Clip(parent.Task.Repo, 200)}); a follow-up must name a task of its own repository");
        }
        return (new FollowUp(parent.Task, pull), null);
    }

    /// <summary>The task as the agent sees it: the earlier task as context, then what to do now.</summary>
    public TaskRecord Prompted(TaskRecord task)
    {
        var text = new StringBuilder();
        text.Append("This task continues earlier work. Branch ").Append(PullRequest.Branch)
            .Append(" already holds it (and maybe commits people added on top), and its pull request ").Append(PullRequest.Reference)
            .Append(" is open for review. Keep that work; change it only where what is asked now requires.\n\n");
        text.Append("The earlier task was: ").Append(Parent.Title).Append("\n<<<\n")
            .Append(Clipping.Clip(Parent.Instruction.Trim(), MaxParentInstructionChars)).Append("\n>>>\n\n");
        text.Append("What to do now:\n").Append(task.Instruction);
        return task with { Instruction = text.ToString() };
    }

    /// <summary>The pull request's title as it was, marked for review when the follow-up's verification did not pass.</summary>
    public string Title(bool passed)
    {
        var title = PullRequest.Title.Trim();
        var stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (var prefix in TitlePrefixes)
            {
                if (title.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    title = title[prefix.Length..].TrimStart();
                    stripped = true;
                }
            }
        }
        if (title.Length == 0)
        {
            title = Clipping.Clip(Parent.Title, 72);
        }
        return (passed ? "" : "[needs review] ") + title;
    }

    /// <summary>
    /// The pull request's body as Nightshift last published it, with one line for this follow-up under "Follow-ups":
    /// its task id, what was asked (one line, as code, so no markdown or mention in it acts) and the verification.
    /// </summary>
    public string Body(TaskRecord task, ExecutionCheckpoint checkpoint, bool passed)
    {
        var body = PullRequest.Body.TrimEnd();
        var text = new StringBuilder(body);
        if (!body.Contains("\n" + SectionHeading + "\n", StringComparison.Ordinal) && !body.StartsWith(SectionHeading + "\n", StringComparison.Ordinal))
        {
            text.Append("\n\n").Append(SectionHeading).Append('\n');
        }
        var verification = OneLine(checkpoint.VerificationSummary ?? "not run", 300);
        var stop = checkpoint.StopReason is { } reason ? "; stopped early: " + OneLine(reason, 200) : "";
        text.Append("\n- `").Append(task.Id).Append("`: `").Append(OneLine(task.Instruction, MaxAskedChars)).Append("` — ")
            .Append(passed ? "verified: " : "needs review: ").Append(verification).Append(stop)
            .Append(checkpoint.Commit is { Length: >= 12 } commit ? $" (commit {commit[..12]})" : "")
            .Append('\n');
        return text.ToString();
    }

    /// <summary>One line, without backticks (it is shown as code) or anything that could end the line early.</summary>
    private static string OneLine(string value, int max)
    {
        var flat = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            flat.Append(c switch
            {
                '`' => '\'',
                _ when char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.LineSeparator
                    or System.Globalization.UnicodeCategory.ParagraphSeparator or System.Globalization.UnicodeCategory.Format => ' ',
                _ => c,
            });
        }
        return Clipping.Clip(string.Join(' ', flat.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)), max);
    }
}

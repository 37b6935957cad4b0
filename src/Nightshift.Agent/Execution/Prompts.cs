using System.Text;
using Nightshift.Agent.Configuration;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Verification;
using Nightshift.Core.Planning;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution;

/// <summary>The words the build agent starts from.</summary>
internal static class Prompts
{
    public static string System(IReadOnlyList<string> verification) =>
        $"""
        You are Nightshift's build agent, a careful software engineer working alone in a git worktree of the user's repository.
        Make the change the task asks for, completely and minimally, in the repository's own style.
        Work with the tools: list_files, read_file and search to understand the code; edit_file for precise changes;
        write_file for new files; run to execute commands in a sandbox without network access; git_diff to review.
        Read before you edit. Keep unrelated files unchanged. Do not weaken or delete tests to make them pass.
        {(verification.Count > 0
            ? $"When you are done, Nightshift itself runs: {string.Join("; ", verification)}. Run them yourself first with `run`."
            : "No test command was found for this repository; check your change by reading it and running what you can.")}
        Finish by calling `finish` with a summary: a short title line, a blank line, then what changed and why.
        """;

    /// <summary>The whole task as one piece of work. Without a map this is word for word what the recorded demo session saw.</summary>
    public static string Task(TaskRecord task, string? agentsMd, RepoConfig config, string? repoMap = null)
    {
        var text = new StringBuilder();
        text.Append("Task: ").Append(task.Title).Append("\n\n").Append(task.Instruction).Append('\n');
        AppendContext(text, agentsMd, config, repoMap);
        return text.ToString();
    }

    /// <summary>One subtask of a plan: the overall task for context, the plan, what earlier subtasks did, and this step.</summary>
    /// <param name="parallel">true when it is built in a worktree of its own while the rest of its wave is built in others.</param>
    public static string Subtask(TaskRecord task, string? agentsMd, RepoConfig config, string? repoMap, Plan plan, Subtask subtask, IReadOnlyList<SubtaskResult> done, bool parallel = false)
    {
        var text = new StringBuilder();
        text.Append("Overall task: ").Append(task.Title).Append("\n\n").Append(task.Instruction).Append('\n');
        AppendContext(text, agentsMd, config, repoMap);
        var alongside = parallel
            ? PlanGraph.Waves(plan).First(w => w.Any(s => s.Id == subtask.Id)).Select(s => s.Id).Where(id => id != subtask.Id).ToHashSet(StringComparer.Ordinal)
            : [];
        text.Append(parallel
            ? "\nThe task was planned as these subtasks, built in dependency order (independent ones at the same time, in separate worktrees) and each committed on its own:\n"
            : "\nThe task was planned as these subtasks, built one after another and each committed on its own:\n");
        foreach (var s in PlanGraph.TopologicalOrder(plan))
        {
            var state = done.FirstOrDefault(p => p.Id == s.Id && p.Status == SubtaskState.Completed) is { } finished
                ? "done: " + FirstLine(finished.Summary)
                : s.Id == subtask.Id ? "yours, now" : alongside.Contains(s.Id) ? "alongside, now" : "later";
            text.Append("- ").Append(s.Id).Append(": ").Append(s.Title).Append(" (").Append(state).Append(")\n");
        }
        text.Append("\nYour subtask now is '").Append(subtask.Id).Append("': ").Append(subtask.Title).Append("\n\n").Append(subtask.Description).Append('\n');
        if (subtask.Files.Count > 0)
        {
            text.Append("\nFiles it is expected to touch: ").Append(string.Join(", ", subtask.Files)).Append('\n');
        }
        if (subtask.Acceptance.Count > 0)
        {
            text.Append("\nIt is done when:\n");
            foreach (var criterion in subtask.Acceptance)
            {
                text.Append("- ").Append(criterion).Append('\n');
            }
        }
        text.Append("\nDo only this subtask; later subtasks are built after it.");
        if (alongside.Count > 0)
        {
            text.Append(" The subtasks marked 'alongside' are being built right now in other worktrees: you will not see their changes, and they are merged with yours afterwards, so leave their part of the work to them.");
        }
        text.Append(" Call finish with a summary of what you changed when it is done.\n");
        return text.ToString();
    }

    /// <summary>The start of a fix round after a planned build: the whole task and what each subtask did.</summary>
    public static string FixRound(TaskRecord task, string? agentsMd, RepoConfig config, string? repoMap, IReadOnlyList<SubtaskResult> done)
    {
        var text = new StringBuilder();
        text.Append("Task: ").Append(task.Title).Append("\n\n").Append(task.Instruction).Append('\n');
        AppendContext(text, agentsMd, config, repoMap);
        text.Append("\nThe task was built in subtasks, already committed on this branch:\n");
        foreach (var s in done)
        {
            text.Append("- ").Append(s.Id).Append(" (").Append(WireNameJsonConverter<SubtaskState>.ToWire(s.Status)).Append("): ").Append(FirstLine(s.Summary)).Append('\n');
        }
        text.Append("\nVerification of the whole change follows; fix what it reports.\n");
        return text.ToString();
    }

    /// <summary>A merge of independently built subtasks conflicted in the task's worktree: resolve it keeping both.</summary>
    public static string Conflict(TaskRecord task, MergeConflict conflict, IReadOnlyList<Subtask> merged)
    {
        var text = new StringBuilder();
        text.Append("Task: ").Append(task.Title).Append("\n\n");
        text.Append("Its subtasks were built at the same time in separate worktrees and are being merged into this worktree, one by one.\n");
        text.Append("Merging subtask '").Append(conflict.Subtask.Id).Append("' (").Append(conflict.Subtask.Title).Append(") conflicted with what is already merged");
        if (merged.Count > 0)
        {
            text.Append(" (").Append(string.Join("; ", merged.Select(s => $"'{s.Id}': {s.Title}"))).Append(')');
        }
        text.Append(".\n\nThese files hold conflict markers (<<<<<<<, =======, >>>>>>>):\n");
        foreach (var path in conflict.Paths)
        {
            text.Append("- ").Append(path).Append('\n');
        }
        text.Append("\nThe side before ======= is the task branch (the subtasks already merged); the side after it is subtask '")
            .Append(conflict.Subtask.Id).Append("'.\n");
        text.Append("Edit every one of these files so that no conflict marker line is left and the code does what both sides intended; ")
            .Append("do not simply drop one side. Change nothing else. Then call finish with a one-line summary of how you resolved it.\n");
        return text.ToString();
    }

    /// <summary>Feedback once the same failure came back round after round: stop patching, start debugging.</summary>
    public static string Debug(VerificationResult verdict, ErrorSignature signature, int times) =>
        $"""
        Verification failed the same way {times} times ({signature.Description}). More of the same fixes will not help: debug it.
        1. Isolate the failure: run only the failing test (or the smallest command that shows the error) with `run`.
        2. Read the stack trace or error from the top frame in this repository's code down, and open those lines with read_file.
        3. State what you expected and what actually happens; if that is unclear, add temporary logging or prints near the failure and run again.
        4. Fix the cause, run the isolated test, then the whole suite.
        5. Remove every temporary log or print you added before you call finish.

        {Verifier.Feedback(verdict)}
        """;

    private static void AppendContext(StringBuilder text, string? agentsMd, RepoConfig config, string? repoMap)
    {
        if (!string.IsNullOrWhiteSpace(agentsMd))
        {
            text.Append("\nThe repository's AGENTS.md (instructions from its maintainers):\n<<<\n").Append(agentsMd.Trim()).Append("\n>>>\n");
        }
        if (config.Setup.Count > 0)
        {
            text.Append("\nThe setup commands already ran: ").Append(string.Join("; ", config.Setup)).Append('\n');
        }
        if (!string.IsNullOrWhiteSpace(repoMap))
        {
            text.Append("\nA map of the repository (files, their leading comment, symbols and local imports; the most relevant first):\n<<<\n")
                .Append(repoMap.Trim()).Append("\n>>>\n");
        }
    }

    private static string FirstLine(string? summary)
    {
        var line = (summary ?? "").Trim().Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "no summary" : line.Length <= 200 ? line : line[..200] + "…";
    }
}

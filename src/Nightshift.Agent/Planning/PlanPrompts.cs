using System.Text;
using Nightshift.Agent.Verification;
using Nightshift.Core.Planning;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Planning;

/// <summary>The words the plan agent starts from.</summary>
internal static class PlanPrompts
{
    public static string System(int maxSubmissions) =>
        $"""
        You are Nightshift's plan agent. Before any code is changed, you split a coding task into subtasks that a build
        agent will carry out one after another in a git worktree of the user's repository, each committed on its own.
        You can only read: list_files, read_file and search. Look at what you need to plan well, not at everything.
        Then call `submit_plan` once with the plan:
        - summary: one short line saying what the whole change does, like a good commit subject; it becomes the task's title;
        - each subtask is one coherent change with a short slug id, a one-line title, a description of what to change
          and why, the files it will touch, and acceptance criteria someone can check;
        - depends_on lists the subtasks that must be finished first; dependencies must not form a cycle;
        - a small task is one subtask; do not invent work the task does not ask for; at most {PlanLimits.MaxSubtasks} subtasks;
        - tests that belong to a change go in the same subtask as the change.
        If the plan is refused you are shown every problem; fix them all and submit again ({maxSubmissions} submissions at most,
        after which the task runs without a plan).
        """;

    /// <summary>The task, AGENTS.md, the repository map and, when the baseline run has finished by now, what already fails on the base.</summary>
    public static string Task(TaskRecord task, string? agentsMd, string? repoMap, IReadOnlyList<CommandCheck>? baseline = null)
    {
        var text = new StringBuilder();
        text.Append("Task: ").Append(task.Title).Append("\n\n").Append(task.Instruction).Append('\n');
        if (!string.IsNullOrWhiteSpace(agentsMd))
        {
            text.Append("\nThe repository's AGENTS.md (instructions from its maintainers):\n<<<\n").Append(agentsMd.Trim()).Append("\n>>>\n");
        }
        if (!string.IsNullOrWhiteSpace(repoMap))
        {
            text.Append("\nA map of the repository (files, their leading comment, symbols and local imports; the most relevant first):\n<<<\n")
                .Append(repoMap.Trim()).Append("\n>>>\n");
        }
        var failing = baseline?.Where(c => !c.Passed).ToList() ?? [];
        if (failing.Count > 0)
        {
            text.Append("\nThe repository's tests were run on the base branch, before any change; these already fail there:\n");
            foreach (var check in failing.Take(10))
            {
                text.Append("- `").Append(check.Command).Append("` ").Append(check.TimedOut ? "timed out" : $"exits with {check.ExitCode}");
                if (check.FailingTests.Count > 0)
                {
                    text.Append(": ").Append(string.Join(", ", check.FailingTests.Order(StringComparer.Ordinal).Take(20).Select(t => t.Length > 200 ? t[..199] + "…" : t)))
                        .Append(check.FailingTests.Count > 20 ? $" and {check.FailingTests.Count - 20} more" : "");
                }
                text.Append('\n');
            }
            text.Append("Plan their fix only if the task covers them.\n");
        }
        return text.ToString();
    }

    public const string Nudge = "Plan with the tools: read what you need, then call submit_plan with the subtasks. Do not answer in prose.";

    public static string Cycle(IReadOnlyList<string> cycles) =>
        $"The plan's dependencies form a cycle ({string.Join("; ", cycles)}; → means 'depends on'), so no order can build it. "
        + "Call submit_plan again with the same work and dependencies that do not loop: decide which step truly comes first.";
}

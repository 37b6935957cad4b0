using System.Globalization;
using System.Text;
using Nightshift.Agent.Loop;
using Nightshift.Core.Planning;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution.Phases;

/// <summary>The pull request's body: summary, plan, verification (with every test left failing and why), the task and its usage.</summary>
internal static class PullRequestText
{
    public static string Body(TaskRecord task, string summary, ExecutionCheckpoint checkpoint, Plan? plan, BudgetTracker budget)
    {
        var usage = budget.Usage;
        var cost = usage.CostComplete
            ? $"${usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)}"
            : $"at least ${usage.CostUsd.ToString("0.0000", CultureInfo.InvariantCulture)} ({usage.UnpricedCalls} call(s) of unknown price)";
        var text = new StringBuilder();
        text.Append("## Summary\n\n").Append(summary).Append("\n\n");
        if (plan is not null)
        {
            text.Append("## Plan\n\n");
            foreach (var subtask in PlanGraph.TopologicalOrder(plan))
            {
                var done = checkpoint.Subtasks.FirstOrDefault(s => s.Id == subtask.Id);
                var state = done is null ? "not built" : done.Status == SubtaskState.Completed ? done.Commit is { } c ? $"done in {c[..Math.Min(12, c.Length)]}" : "done, no change" : "stopped early";
                text.Append("- `").Append(subtask.Id).Append("` ").Append(subtask.Title).Append(" — ").Append(state).Append('\n');
            }
            text.Append('\n');
        }
        text.Append("## Verification\n\n").Append(checkpoint.VerificationSummary ?? "not run").Append('\n');
        if (checkpoint.OutOfScope.Count > 0)
        {
            text.Append("\nThese tests failed before this change and still fail; the agent declared them outside the task:\n\n");
            foreach (var declared in checkpoint.OutOfScope)
            {
                text.Append("- `").Append(OneLine(declared.Test, 200)).Append("`: ").Append(OneLine(declared.Reason, 1_000)).Append('\n');
            }
        }
        if (checkpoint.StillFailing.Count > 0)
        {
            text.Append("\nThese tests failed before this change and still fail, and the agent gave no reason to leave them: ")
                .Append(string.Join(", ", checkpoint.StillFailing.Take(50).Select(t => $"`{OneLine(t, 200)}`"))).Append(".\n");
        }
        if (checkpoint.DebugMode)
        {
            text.Append("\nThe same failure kept coming back, so the last rounds used the debugging prompt.\n");
        }
        if (checkpoint.StopReason is { } stop)
        {
            text.Append("\nThe agent stopped early: ").Append(stop).Append(".\n");
        }
        text.Append("\n## Task\n\n").Append(Clipping.Clip(task.Instruction, 2_000)).Append("\n\n");
        text.Append("## Usage\n\n")
            .Append($"{usage.Calls} model calls, {usage.InputTokens.ToString("N0", CultureInfo.InvariantCulture)} tokens in ")
            .Append($"({usage.CachedTokens.ToString("N0", CultureInfo.InvariantCulture)} cached), {usage.OutputTokens.ToString("N0", CultureInfo.InvariantCulture)} out, cost {cost}.\n\n")
            .Append($"Nightshift-Task: {task.Id}\n");
        return text.ToString();
    }

    private static string OneLine(string value, int max) => Clipping.Clip(string.Join(' ', value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Replace('`', '\'').Trim(), max);
}

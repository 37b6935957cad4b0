using Nightshift.Core.Execution;

namespace Nightshift.TestKit.Server;

/// <summary>Proposes <see cref="ProposedPlan"/> and waits for a person on its first attempt; once approved, succeeds with the plan it was given.</summary>
public sealed class ApprovalExecutor : ITaskExecutor
{
    public const string ProposedPlan = """{"steps":["proposed"]}""";

    /// <summary>The plan each attempt found on its task.</summary>
    public List<string?> PlansSeen { get; } = [];

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        lock (PlansSeen)
        {
            PlansSeen.Add(run.Task.Plan);
        }
        if (run.Task.Plan is null)
        {
            await run.SetPlanAsync(ProposedPlan, cancellationToken);
            return TaskOutcome.AwaitApproval();
        }
        return TaskOutcome.Succeeded();
    }
}

using Microsoft.Extensions.AI;
using Nightshift.Agent.Configuration;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Verification;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Tasks;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>What one attempt at a task carries from phase to phase; the checkpoint is saved through here, one writer at a time.</summary>
internal sealed class TaskAttempt(ITaskRun run, Workspace workspace, ExecutionCheckpoint checkpoint) : IAsyncDisposable, ISetupAttempt
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ITaskRun Run { get; } = run;

    private TaskRecord? _prompted;

    /// <summary>The task as its prompts show it: a follow-up's instruction carries the earlier task as context.</summary>
    public TaskRecord Task => FollowUp is null ? Run.Task : _prompted ??= FollowUp.Prompted(Run.Task);

    /// <summary>The earlier task and pull request a follow-up continues; null for a task on its own branch.</summary>
    public FollowUp? FollowUp { get; init; }

    public Workspace Workspace { get; } = workspace;

    public ExecutionCheckpoint Checkpoint { get; private set; } = checkpoint;

    public required RepoConfig Config { get; init; }

    public string? AgentsMd { get; init; }

    public required string Cache { get; init; }

    public required IReadOnlyList<string> Verification { get; init; }

    public required BudgetTracker Budget { get; init; }

    public required AgentModel Model { get; init; }

    /// <summary>Runs the verification commands in the sandbox and judges each round against the baseline.</summary>
    public required Verifier Verifier { get; init; }

    /// <summary>The baseline run on the untouched base: started while the plan agent works, awaited before building; null when there is none.</summary>
    public BaselineRun? Baseline { get; set; }

    /// <summary>The rendered repository map, once built in this attempt.</summary>
    public string? RepoMap { get; set; }

    public Plan? Plan { get; set; }

    /// <summary>True when there is no real plan (skipped or fallen back): one build agent on the whole instruction, as before planning existed.</summary>
    public bool OneSubtaskMode => Checkpoint.PlanMode is null or PlanMode.Single or PlanMode.Fallback;

    /// <summary>The one-subtask build's conversation, which the verification feedback continues.</summary>
    public List<ChatMessage>? Conversation { get; set; }

    /// <summary>The task's conversation for this attempt's agents; null when nobody can talk to the task (a run without a server).</summary>
    public TaskInbox? Inbox { get; init; }

    public async Task UpdateAsync(Func<ExecutionCheckpoint, ExecutionCheckpoint> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var next = change(Checkpoint);
            await Run.CheckpointAsync(next.ToJson(), cancellationToken);
            Checkpoint = next;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The baseline first: until it has stopped it may still write the checkpoint through the gate.
        if (Baseline is not null)
        {
            await Baseline.DisposeAsync();
        }
        _gate.Dispose();
    }
}

using System.Collections.Concurrent;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>
/// The store's answer to "which task does this follow up, and what is its pull request", kept from finished runs: the
/// task as the store records it at the end (branch, pull request) and the pull request record the run saved.
/// </summary>
internal sealed class RecordedFollowUps : IFollowUpSource
{
    private readonly ConcurrentDictionary<string, FollowUpParent> _parents = new(StringComparer.Ordinal);

    /// <summary>How many times the executor asked.</summary>
    public int Lookups { get; private set; }

    /// <summary>Keeps <paramref name="run"/>'s task as ended with <paramref name="outcome"/>, and the pull request it saved.</summary>
    public void Finished(RecordingRun run, TaskOutcome outcome) =>
        _parents[run.Task.Id] = new FollowUpParent(
            run.Task with { Status = TaskState.Succeeded, Branch = outcome.Branch, PullRequest = outcome.PullRequest },
            run.PullRequest);

    public void Add(TaskRecord task, PullRequest? pullRequest) => _parents[task.Id] = new FollowUpParent(task, pullRequest);

    public Task<FollowUpParent?> FindParentAsync(string taskId, CancellationToken cancellationToken = default)
    {
        Lookups++;
        return Task.FromResult(_parents.GetValueOrDefault(taskId));
    }
}

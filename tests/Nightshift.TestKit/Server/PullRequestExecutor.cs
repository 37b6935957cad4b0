using Nightshift.Core.Execution;
using Nightshift.Core.Forges;

namespace Nightshift.TestKit.Server;

/// <summary>Publishes <see cref="Diff"/> as the task's pull request through the run (so the store keeps it), then succeeds.</summary>
public sealed class PullRequestExecutor(TimeProvider? time = null) : ITaskExecutor
{
    public const string Diff = "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-print('hi')\n+print('hello')\n";

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var branch = $"nightshift/{run.Task.ShortId}";
        var pull = await run.SavePullRequestAsync(
            new PullRequest(run.Task.Id, "local", $"local:{run.Task.Id}", run.Task.Repo, branch, "main", "Say hello", "## Summary\n\nSays hello.", Diff, false, now, now),
            cancellationToken);
        return TaskOutcome.Succeeded(branch, pull.Reference);
    }
}

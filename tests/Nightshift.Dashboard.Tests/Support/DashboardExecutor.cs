using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Dashboard.Tests.Support;

/// <summary>
/// Emits what the real agent emits, in its shapes: a plan of two subtasks (waiting for approval when the task asks for
/// it), model calls with usage and cost (the build's charged to subtask <c>parse</c>), tool calls with results, command output, a verification round, and a pull
/// request with a diff on the forge. Verification: a baseline on which <see cref="LegacyTest"/> already fails, a
/// checkpoint (bookkeeping), round 1 failing <see cref="BrokenTest"/>, round 2 passing with the legacy test declared out of scope. It holds before finishing until <see cref="Release"/>, so a test can watch the task
/// while it runs.
/// </summary>
internal sealed class DashboardExecutor(IForge forge) : ITaskExecutor
{
    public const string Plan = """{"subtasks":[{"id":"parse","title":"Parse the input","description":"Read the file","depends_on":[],"priority":1,"files":["src/app.py"],"acceptance":["reads it"]},{"id":"report","title":"Write the report","description":"Print it","depends_on":["parse"],"priority":0,"files":[],"acceptance":[]}]}""";
    public const decimal CostPerCall = 0.0125m;
    public const string TestCommand = "pytest -q";
    public const string LegacyTest = "tests/test_legacy.py::test_network";
    public const string LegacyReason = "needs the network, which the sandbox does not give";
    public const string BrokenTest = "tests/test_app.py::test_answer";
    public const string Diff = "diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n def main():\n-    return 1\n+    return 2\n";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether attempts wait for <see cref="Release"/> before they finish.</summary>
    public bool Hold { get; init; }

    /// <summary>Completes when an attempt reached the hold point (its events are stored).</summary>
    public Task Holding => _holding.Task;

    public List<string?> PlansSeen { get; } = [];

    public void Release() => _release.TrySetResult();

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        lock (PlansSeen)
        {
            PlansSeen.Add(run.Task.Plan);
        }
        if (run.Task.Plan is null)
        {
            await run.SetPhaseAsync(TaskPhase.Planning, cancellationToken);
            await ModelCallAsync(run, "plan", 1, null, cancellationToken);
            await run.SetPlanAsync(Plan, cancellationToken);
            await run.EmitAsync(EventTypes.PlanReady, NightshiftJson.Payload(new { subtasks = 2 }), cancellationToken);
            if (run.Task.RequirePlanApproval)
            {
                return TaskOutcome.AwaitApproval();
            }
        }

        await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new VerifyStartedPayload(true, null, [TestCommand])), cancellationToken);
        await run.EmitAsync(EventTypes.VerifyBaseline, NightshiftJson.Payload(new VerifyBaselinePayload(false, [LegacyTest])), cancellationToken);
        await run.CheckpointAsync("""{"stage":"planned"}""", cancellationToken);
        await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
        await run.EmitAsync(EventTypes.SubtaskStarted, NightshiftJson.Payload(new { subtaskId = "parse", title = "Parse the input" }), cancellationToken);
        await ModelCallAsync(run, "build", 2, "parse", cancellationToken);
        await run.EmitAsync(EventTypes.ToolCall, NightshiftJson.Payload(new { callId = "call_1", tool = "read_file", arguments = """{"path":"src/app.py"}""" }), cancellationToken);
        await run.EmitAsync(EventTypes.ToolResult, NightshiftJson.Payload(new { callId = "call_1", tool = "read_file", isError = false, durationMs = 3, content = "def main():\n    return 1" }), cancellationToken);
        await run.EmitAsync(EventTypes.SubtaskCompleted, NightshiftJson.Payload(new { subtaskId = "parse" }), cancellationToken);
        await run.EmitAsync(EventTypes.SubtaskStarted, NightshiftJson.Payload(new { subtaskId = "report", title = "Write the report" }), cancellationToken);

        if (Hold)
        {
            _holding.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        await run.EmitAsync(EventTypes.CommandOutput, NightshiftJson.Payload(new { purpose = "test", command = "pytest -q", lines = new[] { "collected 3 items", "3 passed in 0.02s" } }), cancellationToken);
        await run.EmitAsync(EventTypes.SubtaskCompleted, NightshiftJson.Payload(new { subtaskId = "report" }), cancellationToken);
        await run.SetPhaseAsync(TaskPhase.Verifying, cancellationToken);
        await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new VerifyStartedPayload(false, 1, [TestCommand])), cancellationToken);
        await run.EmitAsync(EventTypes.VerifyFailed, NightshiftJson.Payload(new VerifyVerdictPayload(1, "1 failed, 3 passed", [BrokenTest], [LegacyTest], [], false)), cancellationToken);
        await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new VerifyStartedPayload(false, 2, [TestCommand])), cancellationToken);
        await run.EmitAsync(EventTypes.VerifyPassed, NightshiftJson.Payload(new VerifyVerdictPayload(2, "3 passed", [], [LegacyTest], [new OutOfScopeEntry(LegacyTest, LegacyReason)], false)), cancellationToken);
        await run.SetPhaseAsync(TaskPhase.Publishing, cancellationToken);
        var branch = $"nightshift/{run.Task.ShortId}";
        var opened = await forge.OpenAsync(new PullRequestDraft(run.Task.Id, run.Task.Repo, branch, "main", run.Task.Title, "body", Diff, Draft: false), cancellationToken);
        var pull = await run.SavePullRequestAsync(opened, cancellationToken);
        await run.EmitAsync(EventTypes.PrOpened, NightshiftJson.Payload(new { forge = pull.Forge, reference = pull.Reference, title = pull.Title, draft = false }), cancellationToken);
        return TaskOutcome.Succeeded(branch, pull.Reference);
    }

    private static async Task ModelCallAsync(ITaskRun run, string role, int step, string? subtask, CancellationToken cancellationToken)
    {
        await run.EmitAsync(EventTypes.ModelRequest, NightshiftJson.Payload(new { role, step, messages = 2, estimatedTokens = 900 }), cancellationToken);
        var usage = new UsageRecord("scripted", "dash-model", 1200, 300, 0, CostPerCall) { Subtask = subtask };
        await run.RecordUsageAsync(usage, cancellationToken);
        await run.EmitAsync(EventTypes.ModelResponse, NightshiftJson.Payload(new
        {
            role, step, provider = usage.Provider, model = usage.Model, inputTokens = usage.InputTokens, outputTokens = usage.OutputTokens,
            cachedTokens = 0, costUsd = usage.CostUsd, costKnown = true, toolCalls = 1, durationMs = 40, text = "I will read the file first.",
        }), cancellationToken);
    }
}

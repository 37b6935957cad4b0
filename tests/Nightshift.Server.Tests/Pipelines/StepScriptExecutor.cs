using System.Collections.Concurrent;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary>
/// Ends each pipeline task as its step's script says (output, exit code, outcome), counting the attempts per step, so
/// the coordinator is tested on the real queue and worker without a model or a sandbox. A pull request task "opens"
/// <c>local:pr-N</c>.
/// </summary>
internal sealed class StepScriptExecutor : ITaskExecutor
{
    private readonly ConcurrentDictionary<string, Func<RunStepTask, StepScript>> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private int _pullRequests;

    public StepScriptExecutor On(string step, StepScript script) => On(step, _ => script);

    public StepScriptExecutor On(string step, Func<RunStepTask, StepScript> script)
    {
        _scripts[step] = script;
        return this;
    }

    /// <summary>The step's task waits (holding its slot) until <see cref="Open"/>.</summary>
    public void Gate(string step) => _gates[step] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open(string step) => _gates[step].TrySetResult();

    /// <summary>How many attempts ran the step (the pull request task counts as <c>pull-request</c>).</summary>
    public int Runs(string step) => _runs.GetValueOrDefault(step);

    /// <summary>When set, a pull request task fails with this reason instead of opening one.</summary>
    public string? FailPullRequests { get; set; }

    /// <summary>The last pull request task's step data (title, body, draft, publish branch).</summary>
    public RunStepTask? LastPullRequest { get; private set; }

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        var step = run.Task.RunStep ?? throw new InvalidOperationException("only pipeline tasks are expected here");
        _runs.AddOrUpdate(step.Step, 1, (_, n) => n + 1);
        if (_gates.TryGetValue(step.Step, out var gate))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        if (step.Kind == RunTaskKind.PullRequest)
        {
            if (FailPullRequests is { } refusal)
            {
                return TaskOutcome.Failed(refusal);
            }
            LastPullRequest = step;
            return TaskOutcome.Succeeded(step.PublishBranch ?? step.Branch, $"local:pr-{Interlocked.Increment(ref _pullRequests)}");
        }
        var script = _scripts.TryGetValue(step.Step, out var make) ? make(step) : new StepScript();
        var details = NightshiftJson.Payload(new TaskFinishedPayload(
            Output: script.Output is null ? null : JsonDocument.Parse(script.Output).RootElement.Clone(),
            ExitCode: step.Kind == RunTaskKind.Command ? script.ExitCode : null));
        if (script.Pushed)
        {
            await run.EmitAsync(EventTypes.BranchPushed, NightshiftJson.Payload(new { branch = step.Branch, repo = run.Task.Repo }), cancellationToken);
        }
        TaskOutcome outcome = script switch
        {
            { NeedsReview: true } => TaskOutcome.NeedsReview("2 tests still fail", step.Branch),
            { ExitCode: not 0 } => TaskOutcome.Failed($"the command exited with code {script.ExitCode}"),
            { Pushed: true } => TaskOutcome.Succeeded(step.Branch),
            _ => TaskOutcome.Succeeded(),
        };
        return outcome with { DetailsJson = details };
    }
}

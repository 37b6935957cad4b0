using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// A command step whose worker died after the command's checkpoint, resumed by another worker: a second executor with
/// a data folder of its own (so no mirror, worktree or commit of the first) on the same bare remote, given the stored
/// checkpoint. What the run's branch holds decides: a pushed commit is the result, a lost one means the command runs again.
/// </summary>
public sealed class StepTaskResumeTests
{
    private const string RunBranch = "nightshift/run-5e6f7a8b";
    private const string Script = "date +%s%N > stamp.txt; echo '{\"ran\":true}'";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteAsync_CommandStepPushedBeforeItsWorkerDied_AnotherWorkerFinishesWithoutRunningItAgain(bool pushRecorded)
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var task = CommandStep(harness);
        var first = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        if (pushRecorded)
        {
            // Stopped after the checkpoint that records the push.
            first.OnCheckpoint = (json, token) => Stop(first, cancel, token, When(json, "pushed") is not null);
        }
        else
        {
            // Stopped after the push, before the checkpoint says so.
            first.OnEvent = (type, _, token) => Stop(first, cancel, token, type == "branch.pushed");
        }
        (await harness.Executor.ExecuteAsync(first, cancel.Token)).Kind.ShouldBe(OutcomeKind.Released);
        var commit = When(first.Checkpoint!, "commit").ShouldNotBeNull();
        When(first.Checkpoint!, "pushed").ShouldBe(pushRecorded ? commit : null);
        harness.Repo.RemoteBranch(RunBranch).ShouldBe(commit);
        var stamp = harness.RemoteFile(RunBranch, "stamp.txt");

        using var other = new OtherWorker(harness.Repo);
        var resumed = new RecordingRun(task, first.Checkpoint, attempt: 2);
        var outcome = await other.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        outcome.Branch.ShouldBe(RunBranch);
        first.Commands.Count(c => c.Phase == "step").ShouldBe(1);
        resumed.Commands.ShouldNotContain(c => c.Phase == "step");
        using (var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull()))
        {
            details.RootElement.GetProperty("output").GetProperty("ran").GetBoolean().ShouldBeTrue();
            details.RootElement.GetProperty("exitCode").GetInt32().ShouldBe(0);
        }
        harness.Repo.RemoteBranch(RunBranch).ShouldBe(commit);
        harness.RemoteFile(RunBranch, "stamp.txt").ShouldBe(stamp);
        if (!pushRecorded)
        {
            var expected = $"its commit {commit[..12]} is on {RunBranch} already";
            Said(resumed).ShouldContain(l => l.Contains(expected, StringComparison.Ordinal));
            resumed.Types.ShouldContain("branch.pushed");
            When(resumed.Checkpoint!, "pushed").ShouldBe(commit);
        }
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepCommittedButNotPushedWhenItsWorkerDied_AnotherWorkerRunsItAgainAndSaysWhy()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var main = harness.Repo.RemoteBranch("main")!;
        var task = CommandStep(harness);
        var first = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        // Stopped right after the command's checkpoint: committed in the first worker's worktree, never pushed.
        first.OnCheckpoint = (_, token) => Stop(first, cancel, token, true);
        (await harness.Executor.ExecuteAsync(first, cancel.Token)).Kind.ShouldBe(OutcomeKind.Released);
        var lost = When(first.Checkpoint!, "commit").ShouldNotBeNull();
        harness.Repo.RemoteBranch(RunBranch).ShouldBeNull();

        using var other = new OtherWorker(harness.Repo);
        var resumed = new RecordingRun(task, first.Checkpoint, attempt: 2);
        var outcome = await other.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        first.Commands.Count(c => c.Phase == "step").ShouldBe(1);
        resumed.Commands.Count(c => c.Phase == "step").ShouldBe(1);
        var expected = $"its commit {lost[..12]} never reached {RunBranch}";
        Said(resumed).ShouldContain(l => l.Contains(expected, StringComparison.Ordinal) && l.Contains("running the command again", StringComparison.Ordinal));
        var head = harness.Repo.RemoteBranch(RunBranch).ShouldNotBeNull();
        head.ShouldNotBe(lost);
        harness.Repo.RemoteGit("rev-parse", head + "^").Trim().ShouldBe(main);
        harness.Repo.RemoteGit("log", "-1", "--format=%s", RunBranch).Trim().ShouldBe("pipeline step once");
        harness.RemoteFile(RunBranch, "stamp.txt").ShouldNotBeNullOrWhiteSpace();
        When(resumed.Checkpoint!, "commit").ShouldBe(head);
        When(resumed.Checkpoint!, "pushed").ShouldBe(head);
    }

    [Fact]
    public async Task ExecuteAsync_CommandStepThatChangedNothing_ResumedElsewhere_FinishesWithoutRunningAgain()
    {
        using var harness = new ExecutorHarness(new ScriptedChatClient());
        var task = CommandStep(harness, "echo '{\"clean\":true}'");
        var first = new RecordingRun(task);
        using var cancel = new CancellationTokenSource();
        first.OnCheckpoint = (_, token) => Stop(first, cancel, token, true);
        (await harness.Executor.ExecuteAsync(first, cancel.Token)).Kind.ShouldBe(OutcomeKind.Released);
        When(first.Checkpoint!, "commit").ShouldBeNull();

        using var other = new OtherWorker(harness.Repo);
        var resumed = new RecordingRun(task, first.Checkpoint, attempt: 2);
        var outcome = await other.Executor.ExecuteAsync(resumed, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        resumed.Commands.ShouldBeEmpty();
        resumed.Types.ShouldNotContain("branch.pushed");
        harness.Repo.RemoteBranch(RunBranch).ShouldBeNull();
    }

    private static TaskRecord CommandStep(ExecutorHarness harness, string script = Script) =>
        harness.NewTask("Run the command of pipeline step once") with
        {
            Source = "pipeline",
            RunStep = new RunStepTask { RunId = "run_5e6f7a8b", Step = "once", Kind = RunTaskKind.Command, Branch = RunBranch, Script = script },
        };

    /// <summary>The worker shuts down at this point: the attempt stops where it is and its worktree stays.</summary>
    private static void Stop(RecordingRun run, CancellationTokenSource cancel, CancellationToken token, bool here)
    {
        if (!here)
        {
            return;
        }
        run.StopReason = StopReason.Shutdown;
        cancel.Cancel();
        token.ThrowIfCancellationRequested();
    }

    private static string? When(string checkpoint, string property)
    {
        using var document = JsonDocument.Parse(checkpoint);
        return document.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private static List<string> Said(RecordingRun run) =>
        [.. run.All("command.output").SelectMany(e => e.GetProperty("lines").EnumerateArray()).Select(l => l.GetString()!).Where(l => l.StartsWith("[nightshift]", StringComparison.Ordinal))];

    /// <summary>Another worker: the same agent services on a data folder of its own, so none of the first worker's mirror or worktrees.</summary>
    private sealed class OtherWorker : IDisposable
    {
        private readonly ServiceProvider _services;

        public OtherWorker(TempGitRepo repo)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Workspaces:DataDirectory"] = repo.NewFolder("other-worker-" + Guid.NewGuid().ToString("N")[..8]),
                ["Repositories:AllowedRoots:0"] = repo.Root,
            }).Build();
            _services = new ServiceCollection()
                .AddSingleton<IConfiguration>(configuration)
                .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
                .AddNightshiftAgent()
                .BuildServiceProvider();
        }

        public ITaskExecutor Executor => _services.GetRequiredService<ITaskExecutor>();

        public void Dispose() => _services.Dispose();
    }
}

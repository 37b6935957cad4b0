using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Sandbox;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>The command audit trail as the runner and the executor write it: real bubblewrap, a run that keeps the rows.</summary>
public sealed class CommandAuditTests : IDisposable
{
    private readonly TempFolder _state = new("nightshift-audit-state-");
    private readonly TempFolder _worktree = new("nightshift-audit-worktree-");

    public void Dispose()
    {
        _state.Dispose();
        _worktree.Dispose();
    }

    private BubblewrapSandbox Sandbox(Action<SandboxOptions>? adjust = null)
    {
        var options = new SandboxOptions { StateDirectory = _state.Path, ReadyJails = 0 };
        adjust?.Invoke(options);
        return new BubblewrapSandbox(Microsoft.Extensions.Options.Options.Create(options), NullLogger<BubblewrapSandbox>.Instance);
    }

    private static RecordingRun Run() => new(new TaskRecord
    {
        Id = TaskId.New(TimeProvider.System),
        Repo = "/tmp/repo",
        Instruction = "audit",
        Title = "audit",
        Status = TaskState.Running,
        CreatedAt = DateTimeOffset.UtcNow,
    });

    private SandboxCommandRunner Runner(ISandbox sandbox, RecordingRun run, PhaseCommands phase, ILogger? logger = null) =>
        new(sandbox, run, _worktree.Path, null, phase, TimeProvider.System, logger);

    [Fact]
    public async Task RunAsync_CommandOverItsTimeout_IsRecordedWithTheTimeoutLimit()
    {
        using var sandbox = Sandbox();
        var run = Run();

        var outcome = await Runner(sandbox, run, new PhaseCommands("agent", NetworkPolicy.Off)).RunAsync("sleep 30", TimeSpan.FromSeconds(1), TestDefaults.TimeoutToken());

        outcome.TimedOut.ShouldBeTrue();
        var entry = run.Commands.ShouldHaveSingleItem();
        entry.Phase.ShouldBe("agent");
        entry.Command.ShouldBe("sleep 30");
        entry.Network.ShouldBe("off");
        entry.Limit.ShouldBe("timeout");
        entry.ExitCode.ShouldNotBe(0);
        entry.Duration.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        entry.Hosts.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_ChattyCommandOfASubtask_RecordsEveryByteAndTheSubtask()
    {
        using var sandbox = Sandbox();
        var run = Run();

        var outcome = await Runner(sandbox, run, new PhaseCommands("verify", NetworkPolicy.Off) { Subtask = "parser" })
            .RunAsync("head -c 3000000 /dev/zero | tr '\\0' a; echo -n oops >&2; exit 4", TimeSpan.FromSeconds(20), TestDefaults.TimeoutToken());

        outcome.ExitCode.ShouldBe(4);
        outcome.Truncated.ShouldBeTrue();
        var entry = run.Commands.ShouldHaveSingleItem();
        entry.Subtask.ShouldBe("parser");
        entry.Phase.ShouldBe("verify");
        entry.ExitCode.ShouldBe(4);
        entry.Limit.ShouldBeNull();
        entry.Signal.ShouldBeNull();
        entry.StdoutBytes.ShouldBe(3_000_000);
        entry.StderrBytes.ShouldBe(4);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileRunning_IsRecordedAsCancelled()
    {
        using var sandbox = Sandbox();
        var run = Run();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestDefaults.TimeoutToken());
        run.OnEvent = (type, _, _) =>
        {
            if (type == "command.output")
            {
                stop.Cancel();
            }
        };

        await Should.ThrowAsync<OperationCanceledException>(() =>
            Runner(sandbox, run, new PhaseCommands("setup", NetworkPolicy.Off)).RunAsync("echo started; sleep 30", TimeSpan.FromSeconds(25), stop.Token));

        var entry = run.Commands.ShouldHaveSingleItem();
        entry.Limit.ShouldBe(SandboxCommandRunner.CancelledLimit);
        entry.ExitCode.ShouldBe(-1);
        entry.Phase.ShouldBe("setup");
    }

    [Fact]
    public async Task RunAsync_StoreCannotKeepTheRow_CommandOutcomeStandsAndTheFailureIsLogged()
    {
        using var sandbox = Sandbox();
        var run = Run();
        run.RecordCommandFailure = new InvalidOperationException("the store is down");
        var logger = new ListLogger<SandboxCommandRunner>();

        var outcome = await Runner(sandbox, run, new PhaseCommands("agent", NetworkPolicy.Off), logger).RunAsync("echo fine", TimeSpan.FromSeconds(20), TestDefaults.TimeoutToken());

        outcome.ExitCode.ShouldBe(0);
        outcome.Output.ShouldContain("fine");
        logger.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("command audit trail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_LeaseLost_ThrowsLikeEveryFencedWriteAndKeepsNothing()
    {
        using var sandbox = Sandbox();
        var run = Run();
        run.RecordCommandFailure = new LeaseLostException(run.Task.Id, "another worker holds it");

        await Should.ThrowAsync<LeaseLostException>(() =>
            Runner(sandbox, run, new PhaseCommands("agent", NetworkPolicy.Off)).RunAsync("echo late", TimeSpan.FromSeconds(20), TestDefaults.TimeoutToken()));

        run.Commands.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_CommandTheSandboxRefuses_IsRecordedAsRefusedAndStillThrows()
    {
        using var sandbox = Sandbox();
        var run = Run();

        await Should.ThrowAsync<ValidationException>(() =>
            Runner(sandbox, run, new PhaseCommands("agent", NetworkPolicy.Off)).RunAsync("echo a\0b", TimeSpan.FromSeconds(20), TestDefaults.TimeoutToken()));

        var entry = run.Commands.ShouldHaveSingleItem();
        entry.Limit.ShouldBe(SandboxCommandRunner.RefusedLimit);
        entry.ExitCode.ShouldBe(-1);
        entry.Command.ShouldBe("echo a\0b");
    }

    [Fact]
    public async Task RunAsync_MegabyteCommandLineWithControlCharacters_IsRefusedAndKeptBoundedAsWritten()
    {
        using var sandbox = Sandbox();
        var run = Run();
        var command = "true # \u001b[31mred\u001b[0m \u202eevil " + new string('x', 1024 * 1024);

        await Should.ThrowAsync<ValidationException>(() =>
            Runner(sandbox, run, new PhaseCommands("agent", NetworkPolicy.Off)).RunAsync(command, TimeSpan.FromSeconds(20), TestDefaults.TimeoutToken()));

        var entry = run.Commands.ShouldHaveSingleItem();
        entry.Limit.ShouldBe(SandboxCommandRunner.RefusedLimit);
        entry.Command.Length.ShouldBeLessThanOrEqualTo(CommandAuditEntry.MaxCommandChars);
        entry.Command.ShouldStartWith("true # \u001b[31mred");
        entry.Command.ShouldContain("characters, cut]");
    }

    [Fact]
    public async Task RunAsync_LongCommandLineTheSandboxRuns_IsKeptCut()
    {
        using var sandbox = Sandbox();
        var run = Run();
        var command = "true " + new string('y', 20_000);

        var outcome = await Runner(sandbox, run, new PhaseCommands("agent", NetworkPolicy.Off)).RunAsync(command, TimeSpan.FromSeconds(20), TestDefaults.TimeoutToken());

        outcome.ExitCode.ShouldBe(0);
        var entry = run.Commands.ShouldHaveSingleItem();
        entry.Limit.ShouldBeNull();
        entry.Command.Length.ShouldBeLessThanOrEqualTo(CommandAuditEntry.MaxCommandChars);
        entry.Command.ShouldEndWith("[20,005 characters, cut]");
    }

    [Fact]
    public async Task RunAsync_NetworkedCommand_CountsTheProxysDecisionsPerHost()
    {
        using var server = new LoopbackHttpServer();
        using var sandbox = Sandbox(o => o.Egress.AllowPrivate = [$"127.0.0.1:{server.Port}"]);
        var run = Run();
        var script =
            $"curl -sS --max-time 10 --noproxy '' -o /dev/null http://127.0.0.1:{server.Port}/a; " +
            $"curl -sS --max-time 10 --noproxy '' -o /dev/null http://127.0.0.1:{server.Port}/b; " +
            "curl -sS --max-time 10 --noproxy '' -o /dev/null http://169.254.169.254/latest/meta-data/; true";

        var outcome = await Runner(sandbox, run, new PhaseCommands("setup", NetworkPolicy.On)).RunAsync(script, TimeSpan.FromSeconds(25), TestDefaults.TimeoutToken());

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        var entry = run.Commands.ShouldHaveSingleItem();
        entry.Network.ShouldBe("on");
        entry.NetworkAllowed.ShouldBe(2);
        entry.NetworkDenied.ShouldBe(1);
        var allowed = entry.Hosts.Single(h => h.Allowed);
        allowed.Host.ShouldBe("127.0.0.1");
        allowed.Port.ShouldBe(server.Port);
        allowed.Count.ShouldBe(2);
        var denied = entry.Hosts.Single(h => !h.Allowed);
        denied.Host.ShouldBe("169.254.169.254");
        denied.Reason.ShouldContain("link-local");
    }

    [Fact]
    public async Task ExecuteAsync_SetupAgentAndVerification_EveryCommandIsListedWithItsOutcome()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("run", new { command = "node -e 'process.exit(3)'" })
            .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
            .ThenToolCall("finish", new { summary = "Fix add()" });
        using var harness = new ExecutorHarness(model);
        harness.Repo.Commit("setup", (".nightshift.yml", "setup: echo set up\ntest: node --test\nnetwork: off\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var commands = run.Commands.ToList();
        commands[0].Phase.ShouldBe("setup");
        commands[0].Command.ShouldBe("echo set up");
        commands[0].ExitCode.ShouldBe(0);
        commands[0].StdoutBytes.ShouldBe("set up\n".Length);
        var agent = commands.Where(c => c.Phase == "agent").ShouldHaveSingleItem();
        agent.Command.ShouldBe("node -e 'process.exit(3)'");
        agent.ExitCode.ShouldBe(3);
        var verify = commands.Where(c => c.Phase == "verify").ToList();
        verify.Count.ShouldBeGreaterThanOrEqualTo(2);
        verify.ShouldAllBe(c => c.Command == "node --test" && c.Network == "off");
        verify[0].ExitCode.ShouldNotBe(0, "the baseline runs on the untouched base, whose test fails");
        commands[^1].Phase.ShouldBe("verify");
        commands[^1].ExitCode.ShouldBe(0);
        commands.ShouldAllBe(c => c.WorkingDirectory == "" && c.Limit == null);
        commands.Where(c => c.Phase != "agent").ShouldAllBe(c => c.Subtask == null);
    }
}

using System.Text.Json;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>The limits of <c>.nightshift.yml</c> held by the real sandbox and the executor, within the operator's maxima.</summary>
public sealed class LimitsExecutionTests
{
    private static ScriptedChatClient FixingModel() => new ScriptedChatClient()
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
        .ThenToolCall("finish", new { summary = "Fix add()" });

    [Fact]
    public async Task ExecuteAsync_SetupOverTheRepositorysMemoryLimit_EndedByTheMemoryLimit()
    {
        using var harness = new ExecutorHarness(FixingModel());
        harness.Repo.Commit("hungry setup", (".nightshift.yml", """
            setup: "python3 -c 'a = []\nwhile True: a.append(bytearray(8 << 20))'"
            test: node --test
            limits:
              setup: { memory: 64MiB }
            """));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("Memory limit reached");
    }

    [Fact]
    public async Task ExecuteAsync_SetupOverTheRepositorysProcessLimit_ForksRefusedAtTheLimit()
    {
        using var harness = new ExecutorHarness(FixingModel());
        harness.Repo.Commit("forking setup",
            ("fork.py", "import os, sys, time\nn = 0\ntry:\n    while n < 60:\n        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        n += 1\nexcept OSError as e:\n    print('forked', n)\n    sys.exit(3)\n"),
            (".nightshift.yml", "setup: python3 fork.py\ntest: node --test\nlimits: { command: { processes: 12 } }\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("exit code 3");
        outcome.Reason.ShouldContain("Processes limit reached");
        run.Types.ShouldNotContain("limits.capped");
    }

    [Fact]
    public async Task ExecuteAsync_SetupOverTheRepositorysCommandTimeout_TimesOutThere()
    {
        using var harness = new ExecutorHarness(FixingModel());
        harness.Repo.Commit("slow setup", (".nightshift.yml", "setup: sleep 60\ntest: node --test\nlimits: { setup: { timeout: 2s } }\n"));
        var run = new RecordingRun(harness.NewTask());
        var started = TimeProvider.System.GetTimestamp();

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("`sleep 60` timed out");
        TimeProvider.System.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(50));
    }

    [Fact]
    public async Task ExecuteAsync_LimitsAboveTheOperatorsMaxima_CappedWithAnEventAndEnforcedAtTheMaximum()
    {
        using var harness = new ExecutorHarness(FixingModel(), s => s["Sandbox:MaxLimits:CpuSeconds"] = "1200");
        harness.Repo.Commit("greedy limits", (".nightshift.yml", """
            setup: test "$(ulimit -t)" = 1200
            test: node --test
            limits:
              command: { cpu_seconds: 100000, memory: 64GiB }
              verify: { cpu_seconds: 300 }
            """));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var capped = run.All("limits.capped").ShouldHaveSingleItem();
        capped.GetProperty("limits").EnumerateArray().Select(l => (l.GetProperty("limit").GetString(), l.GetProperty("asked").GetInt64(), l.GetProperty("allowed").GetInt64()))
            .ShouldBe([("command.cpu_seconds", 100_000L, 1200L), ("command.memory", 64L << 30, 4L << 30)]);
        capped.GetProperty("message").GetString().ShouldNotBeNull().ShouldContain("Sandbox:MaxLimits");
    }

    [Fact]
    public async Task ExecuteAsync_TaskOverItsWallClockLimit_EndsTimedOutNamingThePhase()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("run", new { command = "echo sleeping; sleep 300", timeout_seconds = 600 })
            .ThenToolCall("finish", new { summary = "never reached" });
        using var harness = new ExecutorHarness(model);
        harness.Repo.Commit("short task limit", (".nightshift.yml", "test: node --test\nlimits: { task: { timeout: 20s } }\n"));
        var run = new RecordingRun(harness.NewTask());
        var started = TimeProvider.System.GetTimestamp();

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.TimedOut, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("task time limit of 20 s (limits.task.timeout in .nightshift.yml) while building");
        using var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        details.RootElement.GetProperty("phase").GetString().ShouldBe("building");
        details.RootElement.GetProperty("limit").GetString().ShouldBe("task.timeout");
        details.RootElement.GetProperty("limitValue").GetInt64().ShouldBe(20);
        run.All("command.output").ShouldContain(e => e.GetRawText().Contains("sleeping", StringComparison.Ordinal));
        TimeProvider.System.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task ExecuteAsync_CommandsOverTheTasksCpuLimit_FailsBeforeTheNextCommand()
    {
        using var harness = new ExecutorHarness(FixingModel());
        harness.Repo.Commit("busy setup", (".nightshift.yml", """
            setup:
              - "python3 -c 'import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5: pass'"
              - echo second-command-ran
            test: node --test
            limits: { task: { cpu_seconds: 1 } }
            """));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("past the repository's task limit of 1 s (limits.task.cpu_seconds in .nightshift.yml) while preparing");
        using var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        details.RootElement.GetProperty("limit").GetString().ShouldBe("task.cpu_seconds");
        details.RootElement.GetProperty("limitUsed").GetInt64().ShouldBeGreaterThanOrEqualTo(2);
        run.All("command.output").ShouldNotContain(e => e.GetRawText().Contains("second-command-ran", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_WorktreeGrowsPastTheTasksDiskLimit_FailsNamingIt()
    {
        using var harness = new ExecutorHarness(FixingModel());
        harness.Repo.Commit("filling setup", (".nightshift.yml", """
            setup:
              - head -c 3000000 /dev/zero > filler.bin
              - echo second-command-ran
            test: node --test
            limits: { task: { disk: 2MiB } }
            """));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed, outcome.Reason);
        outcome.Reason.ShouldNotBeNull().ShouldContain("past the repository's task limit of 2 MiB (limits.task.disk in .nightshift.yml) while preparing");
        using var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        details.RootElement.GetProperty("limit").GetString().ShouldBe("task.disk");
        details.RootElement.GetProperty("limitUsed").GetInt64().ShouldBeGreaterThan(3_000_000);
        run.All("command.output").ShouldNotContain(e => e.GetRawText().Contains("second-command-ran", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_TaskWithinItsLimits_Succeeds()
    {
        using var harness = new ExecutorHarness(FixingModel());
        harness.Repo.Commit("modest limits", (".nightshift.yml", "setup: echo ok\ntest: node --test\nlimits: { task: { timeout: 30m, cpu_seconds: 600, disk: 1GiB }, command: { memory: 1GiB, timeout: 5m } }\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        run.Types.ShouldNotContain("limits.capped");
    }
}

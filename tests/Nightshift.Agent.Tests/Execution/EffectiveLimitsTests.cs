using Nightshift.Agent.Configuration;
using Nightshift.Agent.Execution;
using Nightshift.Core.Events.Payloads;
using Nightshift.Sandbox;

namespace Nightshift.Agent.Tests.Execution;

public sealed class EffectiveLimitsTests
{
    [Fact]
    public void Resolve_NothingAsked_NoLimitsAndNothingCapped()
    {
        var limits = EffectiveLimits.Resolve(RepoLimits.Unstated, new SandboxOptions());

        limits.Capped.ShouldBeEmpty();
        limits.Sandbox(RepoNetworkPhase.Setup).ShouldBeNull();
        limits.Timeout(RepoNetworkPhase.Verify).ShouldBeNull();
        limits.Limits.Task.ShouldBe(RepoTaskLimits.Unstated);
    }

    [Fact]
    public void Resolve_BelowTheDefaults_KeptAsAsked()
    {
        var asked = RepoConfigParser.Parse("limits: { command: { memory: 1GiB, processes: 100, timeout: 5m }, setup: { timeout: 30m } }").Limits;

        var limits = EffectiveLimits.Resolve(asked, new SandboxOptions());

        limits.Capped.ShouldBeEmpty();
        var sandbox = limits.Sandbox(RepoNetworkPhase.Verify).ShouldNotBeNull();
        sandbox.MemoryBytes.ShouldBe(1L << 30);
        sandbox.Processes.ShouldBe(100);
        sandbox.CpuSeconds.ShouldBeNull("an unset field takes the operator's default inside the sandbox");
        limits.Timeout(RepoNetworkPhase.Verify).ShouldBe(TimeSpan.FromMinutes(5));
        limits.Timeout(RepoNetworkPhase.Setup).ShouldBe(TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void Resolve_AboveTheDefaultsWithNoMaxima_CappedAtTheOperatorsDefaults()
    {
        var asked = RepoConfigParser.Parse("limits: { command: { memory: 64GiB, cpu_seconds: 100000, tmp: 2GiB }, verify: { processes: 100000 } }").Limits;

        var limits = EffectiveLimits.Resolve(asked, new SandboxOptions());

        limits.Capped.ShouldBe([
            new LimitCap("command.cpu_seconds", 100_000, 900),
            new LimitCap("command.memory", 64L << 30, 4L << 30),
            new LimitCap("command.tmp", 2L << 30, 1L << 30),
            new LimitCap("verify.processes", 100_000, 1024),
        ]);
        var verify = limits.Sandbox(RepoNetworkPhase.Verify).ShouldNotBeNull();
        verify.MemoryBytes.ShouldBe(4L << 30);
        verify.Processes.ShouldBe(1024);
        limits.CappedMessage().ShouldContain("command.memory 64 GiB runs at 4 GiB");
        limits.CappedMessage().ShouldContain("Sandbox:MaxLimits");
    }

    [Fact]
    public void Resolve_OperatorRaisedTheMaxima_RepositoryMayAskUpToThem()
    {
        var asked = RepoConfigParser.Parse("limits: { command: { memory: 8GiB }, agent: { memory: 64GiB } }").Limits;
        var options = new SandboxOptions { MaxLimits = new SandboxMaxLimits { MemoryBytes = 16L << 30 } };

        var limits = EffectiveLimits.Resolve(asked, options);

        limits.Sandbox(RepoNetworkPhase.Setup).ShouldNotBeNull().MemoryBytes.ShouldBe(8L << 30);
        limits.Sandbox(RepoNetworkPhase.Agent).ShouldNotBeNull().MemoryBytes.ShouldBe(16L << 30);
        limits.Capped.ShouldBe([new LimitCap("agent.memory", 64L << 30, 16L << 30)]);
    }

    [Fact]
    public void Resolve_TimeoutsPastTheMaxima_CappedToSandboxMaxTimeoutOrMaxLimits()
    {
        var asked = RepoConfigParser.Parse("limits: { command: { timeout: 10h }, task: { timeout: 5h, cpu_seconds: 7200, disk: 20GiB } }").Limits;
        var options = new SandboxOptions { MaxLimits = new SandboxMaxLimits { TaskTimeout = TimeSpan.FromHours(1), TaskDiskBytes = 10L << 30 } };

        var limits = EffectiveLimits.Resolve(asked, options);

        limits.Timeout(RepoNetworkPhase.Agent).ShouldBe(TimeSpan.FromHours(6));
        limits.Limits.Task.ShouldBe(new RepoTaskLimits { Timeout = TimeSpan.FromHours(1), CpuSeconds = 7200, DiskBytes = 10L << 30 });
        limits.Capped.Select(c => c.Limit).ShouldBe(["command.timeout", "task.timeout", "task.disk"]);
        limits.Capped[0].ShouldBe(new LimitCap("command.timeout", 36_000, 21_600));
    }
}

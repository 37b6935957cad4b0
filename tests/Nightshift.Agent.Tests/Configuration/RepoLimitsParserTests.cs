using Nightshift.Agent.Configuration;

namespace Nightshift.Agent.Tests.Configuration;

public sealed class RepoLimitsParserTests
{
    [Fact]
    public void Parse_EveryGroupAndField_ReadsThemInBytesSecondsAndCounts()
    {
        var limits = RepoConfigParser.Parse("""
            limits:
              command:  { cpu_seconds: 600, memory: 2GiB, processes: 512, file_size: 1GiB, tmp: 512MiB, timeout: 20m }
              task:     { timeout: 45m, cpu_seconds: 3600, disk: 5GiB }
              setup:    { timeout: 30m }
              agent:    { memory: 1500MB }
              verify:   { processes: 64, timeout: 90s }
            """).Limits;

        limits.Command.ShouldBe(new RepoCommandLimits
        {
            CpuSeconds = 600, MemoryBytes = 2L << 30, Processes = 512, FileSizeBytes = 1L << 30, TmpfsBytes = 512L << 20, Timeout = TimeSpan.FromMinutes(20),
        });
        limits.Task.ShouldBe(new RepoTaskLimits { Timeout = TimeSpan.FromMinutes(45), CpuSeconds = 3600, DiskBytes = 5L << 30 });
        limits.For(RepoNetworkPhase.Setup).Timeout.ShouldBe(TimeSpan.FromMinutes(30));
        limits.For(RepoNetworkPhase.Setup).MemoryBytes.ShouldBe(2L << 30);
        limits.For(RepoNetworkPhase.Agent).MemoryBytes.ShouldBe(1_500_000_000);
        limits.For(RepoNetworkPhase.Agent).Timeout.ShouldBe(TimeSpan.FromMinutes(20));
        limits.For(RepoNetworkPhase.Verify).Processes.ShouldBe(64);
        limits.For(RepoNetworkPhase.Verify).Timeout.ShouldBe(TimeSpan.FromSeconds(90));
    }

    [Theory]
    [InlineData("16MiB", 16L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("100000KiB", 100_000L << 10)]
    [InlineData("20MB", 20_000_000)]
    [InlineData("2GB", 2_000_000_000)]
    [InlineData("67108864B", 64L << 20)]
    [InlineData("64 MiB", 64L << 20)]
    public void Parse_SizeUnits_AreBinaryOrDecimalAsWritten(string size, long bytes)
    {
        RepoConfigParser.Parse($"limits: {{ command: {{ memory: {size} }} }}").Limits.Command.MemoryBytes.ShouldBe(bytes);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7200)]
    public void Parse_Durations_InSecondsMinutesOrHours(string duration, int seconds)
    {
        RepoConfigParser.Parse($"limits: {{ task: {{ timeout: {duration} }} }}").Limits.Task.Timeout.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Parse_NoLimitsKey_AsksForNothing()
    {
        var limits = RepoConfigParser.Parse("test: npm test\n").Limits;

        limits.ShouldBe(RepoLimits.Unstated);
        limits.For(RepoNetworkPhase.Verify).ShouldBe(RepoCommandLimits.Unstated);
    }

    [Theory]
    [InlineData("limits: 2GiB", "line 1: 'limits' must be a map of command, task, setup, agent, verify")]
    [InlineData("limits: [command]", "line 1: 'limits' must be a map")]
    [InlineData("limits:\n  comand: { memory: 1GiB }", "line 2: unknown 'limits' group 'comand'; the groups are command, task, setup, agent, verify")]
    [InlineData("limits:\n  command: { mem: 1GiB }", "line 2: unknown limit 'limits.command.mem'; the limits of 'command' are cpu_seconds, memory, processes, file_size, tmp, timeout")]
    [InlineData("limits:\n  task: { memory: 1GiB }", "unknown limit 'limits.task.memory'; the limits of 'task' are timeout, cpu_seconds, disk")]
    [InlineData("limits:\n  command: 512", "line 2: 'limits.command' must be a map of cpu_seconds")]
    [InlineData("limits:\n  command:\n    memory: -1GiB", "line 3: 'limits.command.memory' is '-1GiB'; give a size with a unit")]
    [InlineData("limits:\n  command:\n    memory: 0GiB", "line 3: 'limits.command.memory' is 0GiB; give a size from 16MiB to 1TiB")]
    [InlineData("limits: { command: { memory: 2 } }", "'limits.command.memory' is '2'; give a size with a unit")]
    [InlineData("limits: { command: { memory: 2gigs } }", "'limits.command.memory' is '2gigs'; give a size with a unit")]
    [InlineData("limits: { command: { memory: 5PiB } }", "'limits.command.memory' is '5PiB'")]
    [InlineData("limits: { command: { memory: 99999999999999999999999GiB } }", "'limits.command.memory' is '99999999999999999999999GiB'; give a size with a unit")]
    [InlineData("limits: { command: { memory: 999999TiB } }", "give a size from 16MiB to 1TiB")]
    [InlineData("limits: { command: { memory: [1GiB] } }", "'limits.command.memory' must be a single value like 512MiB")]
    [InlineData("limits: { command: { memory: } }", "'limits.command.memory' must be a single value")]
    [InlineData("limits: { command: { cpu_seconds: 0 } }", "'limits.command.cpu_seconds' is 0; give a whole number from 1 to 604800")]
    [InlineData("limits: { command: { cpu_seconds: -5 } }", "'limits.command.cpu_seconds' is '-5'; give a whole number")]
    [InlineData("limits: { command: { cpu_seconds: 1.5 } }", "'limits.command.cpu_seconds' is '1.5'; give a whole number")]
    [InlineData("limits: { command: { cpu_seconds: ten } }", "'limits.command.cpu_seconds' is 'ten'")]
    [InlineData("limits: { command: { cpu_seconds: 99999999999999999999 } }", "'limits.command.cpu_seconds' is '99999999999999999999'")]
    [InlineData("limits: { command: { processes: 2 } }", "'limits.command.processes' is 2; give a whole number from 8 to 4194304")]
    [InlineData("limits: { command: { processes: 9223372036854775807 } }", "'limits.command.processes' is 9223372036854775807")]
    [InlineData("limits: { command: { timeout: 20 } }", "'limits.command.timeout' is '20'; give a duration with a unit, like 90s, 20m or 2h")]
    [InlineData("limits: { command: { timeout: 0s } }", "'limits.command.timeout' is 0s; give a duration from 1s to 168h")]
    [InlineData("limits: { command: { timeout: 10000h } }", "'limits.command.timeout' is 10000h")]
    [InlineData("limits: { command: { timeout: 20d } }", "'limits.command.timeout' is '20d'")]
    [InlineData("limits: { command: { timeout: 99999999999999m } }", "'limits.command.timeout' is '99999999999999m'")]
    [InlineData("limits: { task: { disk: 512KiB } }", "'limits.task.disk' is 512KiB; give a size from 1MiB to 64TiB")]
    [InlineData("limits: { task: { cpu_seconds: 0 } }", "'limits.task.cpu_seconds' is 0")]
    [InlineData("limits: { setup: { tmp: 1KiB } }", "'limits.setup.tmp' is 1KiB; give a size from 1MiB to 1TiB")]
    [InlineData("limits: { verify: { file_size: 10B } }", "'limits.verify.file_size' is 10B; give a size from 1KiB to 1TiB")]
    public void Parse_HostileOrMalformedLimits_RefusedWithTheLineAndWhatToWrite(string yaml, string expected)
    {
        var error = Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(yaml));

        error.Message.ShouldStartWith(".nightshift.yml");
        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Parse_OversizedUnknownKey_ClippedInTheMessage()
    {
        var key = new string('x', 1_000);

        var error = Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse($"limits:\n  command:\n    {key}: 1"));

        error.Message.Length.ShouldBeLessThan(400);
        error.Message.ShouldContain("unknown limit 'limits.command.xxxx");
    }

    [Fact]
    public void Parse_AliasInsideLimits_Refused()
    {
        var error = Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse("limits:\n  command: &c { memory: 1GiB }\n  setup: *c\n"));

        error.Message.ShouldContain("aliases");
    }
}

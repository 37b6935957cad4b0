using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Fleet;

namespace Nightshift.Fleet.Tests.Run;

/// <summary>The harness's command line: every option read, and each bad value refused with the argument named.</summary>
public sealed class FleetArgumentsTests
{
    [Fact]
    public void Parse_NoArguments_GivesTheShortRunDefaults()
    {
        var parsed = FleetArguments.Parse([]);

        parsed.Error.ShouldBeNull();
        var defaults = new FleetOptions();
        (parsed.Options! with { Faults = defaults.Faults }).ShouldBe(defaults, "no argument means the defaults");
        parsed.Options!.Faults.Order().ShouldBe(Enum.GetValues<FaultKind>());
    }

    [Fact]
    public void Parse_EveryOption_IsRead()
    {
        var parsed = FleetArguments.Parse(
        [
            "--seed", "42", "--tasks", "500", "--workers", "4", "--slots", "3", "--lease", "6", "--repos", "5",
            "--faults", "kill,pg-immediate,model-hang", "--fault-interval", "7.5", "--fault-duration", "3",
            "--deadline", "45", "--scale", "40", "--markdown", "/tmp/report.md", "--keep",
        ]);

        parsed.Error.ShouldBeNull();
        var options = parsed.Options!;
        (options.Seed, options.Tasks, options.Workers, options.SlotsPerWorker, options.LeaseSeconds, options.Repositories).ShouldBe((42, 500, 4, 3, 6, 5));
        options.Faults.Order().ShouldBe([FaultKind.WorkerKill, FaultKind.PostgresImmediate, FaultKind.ModelHang]);
        (options.FaultIntervalSeconds, options.FaultDurationSeconds, options.DeadlineMinutes, options.ScaleTasks).ShouldBe((7.5, 3.0, 45.0, 40));
        options.MarkdownPath.ShouldBe("/tmp/report.md");
        options.Keep.ShouldBeTrue();
    }

    [Theory]
    [InlineData("all", 8)]
    [InlineData("none", 0)]
    [InlineData("NONE", 0)]
    [InlineData("kill, term ,kill", 2)]
    public void Parse_FaultLists(string value, int count) =>
        FleetArguments.Parse(["--faults", value]).Options!.Faults.Count.ShouldBe(count);

    [Theory]
    [InlineData(new[] { "--faults", "kill,explode" }, "--faults: unknown fault 'explode'")]
    [InlineData(new[] { "--faults", " , " }, "--faults is empty")]
    [InlineData(new[] { "--tasks", "0" }, "--tasks '0' is not allowed: give a whole number from 1")]
    [InlineData(new[] { "--tasks", "many" }, "--tasks 'many' is not allowed")]
    [InlineData(new[] { "--lease", "1" }, "--lease '1' is not allowed: give a whole number from 3 to 600")]
    [InlineData(new[] { "--workers", "17" }, "--workers '17' is not allowed: give a whole number from 1 to 16")]
    [InlineData(new[] { "--fault-interval", "0" }, "--fault-interval '0' is not allowed: give a number more than 0")]
    [InlineData(new[] { "--deadline", "-3" }, "--deadline '-3' is not allowed")]
    [InlineData(new[] { "--seed" }, "--seed needs a value")]
    [InlineData(new[] { "--bogus", "1" }, "unknown argument '--bogus'")]
    [InlineData(new[] { "tasks" }, "unknown argument 'tasks'")]
    public void Parse_BadArgument_IsAnErrorNamingIt(string[] arguments, string message)
    {
        var parsed = FleetArguments.Parse(arguments);

        parsed.Options.ShouldBeNull();
        parsed.Error.ShouldNotBeNull().ShouldStartWith(message);
    }

    [Fact]
    public void Parse_UnknownFault_ListsTheAllowedNames() =>
        FleetArguments.Parse(["--faults", "oom"]).Error.ShouldNotBeNull()
            .ShouldContain("kill,term,pause,pg-fast,pg-immediate,model-errors,model-hang,disk-fill, or all, or none");

    [Fact]
    public void Parse_Help_AsksForTheUsage()
    {
        FleetArguments.Parse(["--tasks", "3", "--help"]).Help.ShouldBeTrue();
        FleetArguments.Usage.ShouldContain("--fault-interval SEC");
    }

    [Fact]
    public void FaultNames_NameEveryKindOnce() =>
        FleetArguments.FaultNames.Select(pair => pair.Value).Order().ShouldBe(Enum.GetValues<FaultKind>());
}

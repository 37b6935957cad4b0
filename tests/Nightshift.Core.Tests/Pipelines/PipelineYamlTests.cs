using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class PipelineYamlTests
{
    private const string Full = """
        name: lint-fix-test
        description: Lint, fix what lint finds, test, open one pull request
        repo: https://github.com/acme/shop
        base_branch: main
        pull_request: per_step
        schedule: { cron: "0 3 * * *", time_zone: Europe/Berlin, inputs: { package: left-pad } }
        inputs:
          package: { description: what to update, required: true }
          level: { default: "2" }
          plain:
        steps:
          lint:
            run: ./lint.sh {{ inputs.package }}
            timeout: 5m
          fix:
            depends_on: [lint]
            condition: steps.lint.output.error_count > 0
            instruction: "Fix these lint errors: {{steps.lint.output.errors}}"
            title: Fix lint
            model: openai/gpt-4.1
            max_cost_usd: 2.5
            on_failure: continue
            kind: agent
          test:
            depends_on: fix
            run: npm test
            requires_approval: true
            timeout: 1h30m
            kind: command
        """;

    [Fact]
    public void Parse_EveryKey_ReadsThemAll()
    {
        var result = PipelineYaml.Parse(Full, "p.yml");

        result.Problems.ShouldBeEmpty();
        result.Ok.ShouldBeTrue();
        var definition = result.Definition!;
        definition.Name.ShouldBe("lint-fix-test");
        definition.Description.ShouldBe("Lint, fix what lint finds, test, open one pull request");
        definition.Repo.ShouldBe("https://github.com/acme/shop");
        definition.BaseBranch.ShouldBe("main");
        definition.PullRequest.ShouldBe(PullRequestMode.PerStep);
        definition.Schedule.ShouldNotBeNull();
        definition.Schedule.Cron.ShouldBe("0 3 * * *");
        definition.Schedule.TimeZone.ShouldBe("Europe/Berlin");
        definition.Schedule.Inputs.ShouldBe(new Dictionary<string, string> { ["package"] = "left-pad" });
        definition.Inputs.ShouldBe([
            new PipelineInput("package", "what to update", Required: true),
            new PipelineInput("level", Default: "2"),
            new PipelineInput("plain"),
        ]);
        definition.Steps.Select(s => s.Name).ShouldBe(["lint", "fix", "test"]);

        var lint = definition.Step("lint")!;
        lint.Kind.ShouldBe(PipelineStepKind.Command);
        lint.Run.ShouldBe("./lint.sh {{ inputs.package }}");
        lint.Timeout.ShouldBe(TimeSpan.FromMinutes(5));
        lint.Line.ShouldBe(12);
        lint.OnFailure.ShouldBe(FailurePolicy.Stop);
        lint.DependsOn.ShouldBeEmpty();

        var fix = definition.Step("fix")!;
        fix.Kind.ShouldBe(PipelineStepKind.Agent);
        fix.DependsOn.ShouldBe(["lint"]);
        fix.Condition.ShouldBe("steps.lint.output.error_count > 0");
        fix.Instruction.ShouldBe("Fix these lint errors: {{steps.lint.output.errors}}");
        fix.Title.ShouldBe("Fix lint");
        fix.Model.ShouldBe("openai/gpt-4.1");
        fix.MaxCostUsd.ShouldBe(2.5m);
        fix.OnFailure.ShouldBe(FailurePolicy.Continue);
        fix.RequiresApproval.ShouldBeFalse();

        var test = definition.Step("test")!;
        test.DependsOn.ShouldBe(["fix"]);
        test.RequiresApproval.ShouldBeTrue();
        test.Timeout.ShouldBe(TimeSpan.FromMinutes(90));
    }

    [Fact]
    public void Parse_Minimal_HasDefaults()
    {
        var definition = PipelineYaml.Parse("name: a\nsteps:\n  one:\n    run: make\n", "p.yml").Definition!;

        definition.PullRequest.ShouldBe(PullRequestMode.End);
        definition.Schedule.ShouldBeNull();
        definition.Inputs.ShouldBeEmpty();
        definition.Repo.ShouldBeNull();
        definition.BaseBranch.ShouldBeNull();
    }

    [Fact]
    public void Parse_CrLfLineEnds_ReadLikeLf()
    {
        var result = PipelineYaml.Parse(Full.Replace("\n", "\r\n", StringComparison.Ordinal), "p.yml");

        result.Problems.ShouldBeEmpty();
        result.Definition!.Step("lint")!.Line.ShouldBe(12);
    }

    [Fact]
    public void Parse_ScheduleAsPlainCron_IsUtc()
    {
        var definition = PipelineYaml.Parse("name: a\nrepo: r\nschedule: \"*/5 * * * *\"\nsteps:\n  one:\n    run: make\n", "p.yml").Definition!;

        definition.Schedule.ShouldBe(new PipelineSchedule("*/5 * * * *"), new ScheduleComparer());
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1m1s", 61)]
    [InlineData("24h", 86400)]
    [InlineData("1", 1)]
    public void Parse_Timeout_ReadsUnits(string written, int seconds)
    {
        var definition = PipelineYaml.Parse($"name: a\nsteps:\n  one:\n    run: make\n    timeout: {written}\n", "p.yml").Definition!;

        definition.Steps[0].Timeout.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("25h")]
    [InlineData("86401")]
    [InlineData("99999999999999999999")]
    [InlineData("5x")]
    [InlineData("-5")]
    [InlineData("1.5m")]
    [InlineData("m")]
    [InlineData("[5]")]
    [InlineData("\"\"")]
    public void Parse_BadTimeout_IsAProblemOnItsLine(string written)
    {
        var result = PipelineYaml.Parse($"name: a\nsteps:\n  one:\n    run: make\n    timeout: {written}\n", "p.yml");

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(5);
        problem.Column.ShouldBe(14);
        problem.Message.ShouldContain("timeout");
    }

    [Fact]
    public void Parse_DependsOnAsString_IsAListOfOne()
    {
        var definition = PipelineYaml.Parse("name: a\nsteps:\n  one:\n    run: make\n  two:\n    depends_on: one\n    run: make\n", "p.yml").Definition!;

        definition.Step("two")!.DependsOn.ShouldBe(["one"]);
    }

    [Fact]
    public void Parse_BlockScalarInstruction_KeepsLines()
    {
        var definition = PipelineYaml.Parse("name: a\nsteps:\n  one:\n    instruction: |\n      first\n      second\n", "p.yml").Definition!;

        definition.Steps[0].Instruction.ShouldBe("first\nsecond\n");
        definition.Steps[0].Kind.ShouldBe(PipelineStepKind.Agent);
    }

    private sealed class ScheduleComparer : IEqualityComparer<PipelineSchedule>
    {
        public bool Equals(PipelineSchedule? x, PipelineSchedule? y) =>
            x is not null && y is not null && x.Cron == y.Cron && x.TimeZone == y.TimeZone && x.Inputs.Count == y.Inputs.Count;

        public int GetHashCode(PipelineSchedule obj) => obj.Cron.GetHashCode(StringComparison.Ordinal);
    }
}

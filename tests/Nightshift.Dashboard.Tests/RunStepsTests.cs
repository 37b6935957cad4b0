using Nightshift.Core.Pipelines;
using Nightshift.Server.Dashboard;

namespace Nightshift.Dashboard.Tests;

/// <summary>The run page's steps: the definition's order and dependencies joined with the stored rows, drawn like a plan.</summary>
public sealed class RunStepsTests
{
    private const string Yaml = """
        name: lint-fix-test
        steps:
          lint:
            run: ./lint.sh
          fix:
            depends_on: [lint]
            condition: steps.lint.output.error_count > 0
            instruction: "Fix these lint errors: {{steps.lint.output.errors}}"
            on_failure: continue
          docs:
            depends_on: [lint]
            run: ./docs.sh
          test:
            depends_on: [fix, docs]
            run: npm test
            requires_approval: true
        """;

    private static RunRecord Run(string? yaml = Yaml) => new()
    {
        Id = "run_0123456789",
        Pipeline = "lint-fix-test",
        Yaml = yaml,
        Repo = "https://github.com/example/app",
        Branch = "nightshift/run-01234567",
    };

    private static RunStepRecord Row(string name, StepState state, string? output = null, string? reason = null) =>
        new() { RunId = "run_0123456789", Name = name, State = state, Output = output, Reason = reason };

    [Fact]
    public void Build_DefinitionAndRows_StepsInWrittenOrderWithTheirDependenciesAndStates()
    {
        var steps = RunSteps.Build(Run(), [Row("lint", StepState.Succeeded, """{"error_count":2}"""), Row("test", StepState.AwaitingApproval)], out var problem);

        problem.ShouldBeNull();
        steps.Select(s => s.Name).ShouldBe(["lint", "fix", "docs", "test"]);
        steps[0].State.ShouldBe(StepState.Succeeded);
        steps[0].Kind.ShouldBe("command");
        steps[0].Output.ShouldNotBeNull().ShouldContain("\"error_count\": 2");
        steps[1].Kind.ShouldBe("agent");
        steps[1].State.ShouldBe(StepState.Pending, "a step without a row is still pending");
        steps[1].Condition.ShouldBe("steps.lint.output.error_count > 0");
        steps[1].OnFailure.ShouldBe(FailurePolicy.Continue);
        steps[3].DependsOn.ShouldBe(["fix", "docs"]);
        steps[3].RequiresApproval.ShouldBeTrue();
        steps[3].StateWire.ShouldBe("awaiting_approval");
    }

    [Fact]
    public void Build_RowTheDefinitionDoesNotName_ComesLastAfterTheStepsNothingWaitsFor()
    {
        var steps = RunSteps.Build(Run(), [Row("pull-request", StepState.Running)], out _);

        var publish = steps[^1];
        publish.Name.ShouldBe("pull-request");
        publish.Kind.ShouldBeNull();
        publish.DependsOn.ShouldBe(["test"]);
    }

    [Theory]
    [InlineData("name: [unclosed")]
    [InlineData("name: x\nsteps: {}\nbogus_key: 1")]
    [InlineData("\u0000\u0001 not yaml at all")]
    public void Build_SnapshotThatNoLongerParses_ListsTheRowsWithoutDependenciesAndSaysWhy(string yaml)
    {
        var steps = RunSteps.Build(Run(yaml), [Row("lint", StepState.Succeeded), Row("fix", StepState.Failed, reason: "it broke")], out var problem);

        problem.ShouldNotBeNull().ShouldContain("without their dependencies");
        steps.Select(s => s.Name).ShouldBe(["lint", "fix"]);
        steps.ShouldAllBe(s => s.DependsOn.Count == 0);
        steps[1].Reason.ShouldBe("it broke");
    }

    [Fact]
    public void Build_RepositoryPipelineNotReadYet_HasNoStepsAndNoGraph()
    {
        var steps = RunSteps.Build(Run(yaml: null), [], out var problem);

        steps.ShouldBeEmpty();
        problem.ShouldBeNull();
        RunGraph.Build(steps).ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"html":"<script>alert(1)</script>","img":"<img src=x onerror=alert(2)>"}""", "<script>alert(1)</script>")]
    [InlineData("not json {", "not json {")]
    [InlineData("[1,2]", "1")]
    public void Build_HostileOrMalformedOutput_KeptAsReadableTextForThePageToEncode(string output, string expected)
    {
        var steps = RunSteps.Build(Run(), [Row("lint", StepState.Succeeded, output)], out _);

        steps[0].Output.ShouldNotBeNull().ShouldContain(expected);
    }

    [Fact]
    public void Build_OutputNestedDeeperThanTheReaderAllows_ShownAsItCame()
    {
        var deep = new string('[', 200) + new string(']', 200);

        var steps = RunSteps.Build(Run(), [Row("lint", StepState.Succeeded, deep)], out _);

        steps[0].Output.ShouldBe(deep);
    }

    [Fact]
    public void RunGraph_WideAndNarrow_LaysOutLikeThePlan()
    {
        var steps = RunSteps.Build(Run(), [], out _);

        var wide = RunGraph.Build(steps).ShouldNotBeNull();
        var x = wide.Nodes.ToDictionary(n => n.Step.Name, n => n.X);
        x["lint"].ShouldBeLessThan(x["fix"]);
        x["fix"].ShouldBe(x["docs"]);
        x["docs"].ShouldBeLessThan(x["test"]);

        var narrow = RunGraph.Build(steps, narrow: true).ShouldNotBeNull();
        narrow.Nodes.Select(n => n.Step.Name).ShouldBe(["lint", "fix", "docs", "test"]);
        narrow.Nodes.Select(n => n.X).Distinct().ShouldHaveSingleItem();
        narrow.Width.ShouldBeLessThanOrEqualTo(300);
        narrow.EdgePath(narrow.Find("lint")!, narrow.Find("fix")!).ShouldContain(" L ");
        narrow.EdgePath(narrow.Find("lint")!, narrow.Find("docs")!).ShouldContain(" C ");
    }
}

using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class PipelineValidationTests
{
    private static IReadOnlyList<PipelineProblem> Problems(string yaml)
    {
        var result = PipelineYaml.Parse(yaml, "p.yml");
        result.Definition.ShouldBeNull();
        result.Problems.ShouldNotBeEmpty();
        return result.Problems;
    }

    private static PipelineProblem Single(string yaml, int line, string contains)
    {
        var problem = Problems(yaml).ShouldHaveSingleItem();
        problem.Line.ShouldBe(line);
        problem.File.ShouldBe("p.yml");
        problem.Message.ShouldContain(contains, Case.Sensitive);
        return problem;
    }

    [Fact]
    public void Parse_UnknownTopKey_NamesItAndTheAllowedKeys()
    {
        var problem = Single("name: a\nstep:\n  x: 1\nsteps:\n  one:\n    run: make\n", 2, "unknown key 'step'");

        problem.Column.ShouldBe(1);
        problem.Message.ShouldContain("name, description, repo, base_branch, pull_request, schedule, inputs, steps");
        problem.ToString().ShouldStartWith("p.yml:2:1: unknown key 'step'");
    }

    [Fact]
    public void Parse_UnknownStepKey_NamesTheStep()
    {
        var problem = Single("name: a\nsteps:\n  one:\n    run: make\n    retries: 3\n", 5, "unknown key 'retries' in step 'one'");

        problem.Column.ShouldBe(5);
        problem.Message.ShouldContain("depends_on");
    }

    [Fact]
    public void Parse_UnknownInputKey_NamesTheInput() =>
        Single("name: a\ninputs:\n  x: { requird: true }\nsteps:\n  one:\n    run: make\n", 3, "unknown key 'requird' in input 'x'");

    [Fact]
    public void Parse_MissingName_SaysToAddOne() =>
        Single("steps:\n  one:\n    run: make\n", 1, "no 'name:'");

    [Fact]
    public void Parse_MissingSteps_SaysToAddOne() =>
        Single("name: a\n", 1, "no 'steps:'");

    [Fact]
    public void Parse_EmptySteps_IsAProblem() =>
        Single("name: a\nsteps: {}\n", 2, "'steps' is empty");

    [Fact]
    public void Parse_StepsAsList_IsAProblem() =>
        Single("name: a\nsteps:\n  - run: make\n", 3, "'steps' is a mapping");

    [Theory]
    [InlineData("Lint")]
    [InlineData("1abc")]
    [InlineData("a b")]
    [InlineData("a.b")]
    [InlineData("_a")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Parse_BadStepName_IsAProblem(string name) =>
        Single($"name: a\nsteps:\n  \"{name}\":\n    run: make\n", 3, "lowercase letters");

    [Fact]
    public void Parse_BadPipelineName_IsAProblem() =>
        Single("name: Lint Fix\nsteps:\n  one:\n    run: make\n", 1, "the pipeline's name 'Lint Fix' is not allowed");

    [Fact]
    public void Parse_DuplicateStep_NamesTheFirstLine() =>
        Single("name: a\nsteps:\n  one:\n    run: make\n  one:\n    run: make test\n", 5, "step 'one' is written twice (first on line 3)");

    [Fact]
    public void Parse_DuplicateKey_NamesTheFirstLine() =>
        Single("name: a\nname: b\nsteps:\n  one:\n    run: make\n", 2, "'name' is given twice in the pipeline (first on line 1)");

    [Fact]
    public void Parse_DuplicateInput_NamesTheFirstLine() =>
        Single("name: a\ninputs:\n  x:\n  x:\nsteps:\n  one:\n    run: make\n", 4, "input 'x' is declared twice (first on line 3)");

    [Fact]
    public void Parse_BothRunAndInstruction_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    run: make\n    instruction: fix it\n", 5, "has both run: and instruction:");

    [Fact]
    public void Parse_NeitherRunNorInstruction_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    timeout: 5m\n", 3, "has neither run:");

    [Fact]
    public void Parse_EmptyStep_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n", 3, "step 'one' is empty");

    [Fact]
    public void Parse_KindDisagrees_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    kind: agent\n    run: make\n", 4, "says kind: agent but has run:");

    [Fact]
    public void Parse_UnknownKind_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    kind: shell\n    run: make\n", 4, "'kind' is one of agent, command");

    [Fact]
    public void Parse_ModelOnCommandStep_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    run: make\n    model: openai/gpt-4.1\n", 5, "'model' applies to agent steps");

    [Fact]
    public void Parse_UnknownDependency_ListsTheSteps()
    {
        var problem = Single("name: a\nsteps:\n  one:\n    run: make\n  two:\n    depends_on: [one, lnt]\n    run: make\n", 6, "depends on 'lnt', which is not a step");

        problem.Column.ShouldBe(23);
        problem.Message.ShouldContain("the steps are one, two");
    }

    [Fact]
    public void Parse_SelfDependency_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    depends_on: one\n    run: make\n", 4, "step 'one' depends on itself");

    [Fact]
    public void Parse_DependencyListedTwice_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    run: make\n  two:\n    depends_on: [one, one]\n    run: make\n", 6, "lists 'one' in depends_on twice");

    [Fact]
    public void Parse_Cycle_NamedStepByStep()
    {
        var yaml = "name: a\nsteps:\n  a:\n    depends_on: [b]\n    run: x\n  b:\n    depends_on: [c]\n    run: x\n  c:\n    depends_on: [a]\n    run: x\n  d:\n    depends_on: [a]\n    run: x\n";

        Single(yaml, 4, "cycle: a → b → c → a");
    }

    [Fact]
    public void Parse_TwoCycles_BothNamed()
    {
        var yaml = "name: a\nsteps:\n  x:\n    depends_on: y\n    run: x\n  y:\n    depends_on: x\n    run: x\n  p:\n    depends_on: q\n    run: x\n  q:\n    depends_on: p\n    run: x\n";

        Problems(yaml).Select(p => (p.Line, p.Message.Split(';')[0])).ShouldBe([(4, "cycle: x → y → x"), (10, "cycle: p → q → p")]);
    }

    [Fact]
    public void Parse_TemplateNamingANonAncestor_SaysToAddItToDependsOn()
    {
        var problem = Single("name: a\nsteps:\n  lint:\n    run: make lint\n  fix:\n    instruction: \"Fix {{ steps.lint.output.errors }}\"\n", 6, "which step 'fix' does not depend on; add 'lint' to its depends_on");

        problem.Column.ShouldBe(26);
    }

    [Fact]
    public void Parse_TemplateThroughAnAncestorsAncestor_IsFine() =>
        PipelineYaml.Parse("name: a\nsteps:\n  a:\n    run: x\n  b:\n    depends_on: a\n    run: x\n  c:\n    depends_on: b\n    run: echo {{steps.a.status}}\n", "p.yml").Problems.ShouldBeEmpty();

    [Fact]
    public void Parse_TemplateNamingUnknownStep_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    run: echo {{steps.nope.status}}\n", 4, "step 'nope', which is not a step");

    [Fact]
    public void Parse_TemplateNamingItself_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    run: echo {{steps.one.status}}\n", 4, "refers to step 'one' itself");

    [Fact]
    public void Parse_UndeclaredInput_IsAProblem()
    {
        var problem = Single("name: a\ninputs:\n  pkg:\nsteps:\n  one:\n    run: echo {{inputs.package}}\n", 6, "input 'package', which is not declared; add it under inputs: (declared: pkg)");

        problem.Column.ShouldBe(17);
    }

    [Fact]
    public void Parse_BadReferencePath_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    run: x\n  two:\n    depends_on: one\n    run: echo {{steps.one.result}}\n", 7, "a step has only 'status' and 'output.KEY'");

    [Fact]
    public void Parse_UnterminatedPlaceholder_PointsAtTheBraces()
    {
        var problem = Single("name: a\nsteps:\n  one:\n    run: echo {{inputs.x\n", 4, "not closed");

        problem.Column.ShouldBe(15);
    }

    [Fact]
    public void Parse_PlaceholderAfterBackslash_IsAProblem() =>
        Single("name: a\ninputs:\n  x:\nsteps:\n  one:\n    run: echo \\{{inputs.x}}\n", 6, "cannot follow a '\\'");

    [Fact]
    public void Parse_ConditionThatDoesNotParse_PointsInsideIt()
    {
        var problem = Single("name: a\nsteps:\n  one:\n    run: x\n  two:\n    depends_on: one\n    condition: steps.one.status = 'succeeded'\n    run: x\n", 7, "'=' alone is not a comparison");

        problem.Column.ShouldBe(33);
    }

    [Fact]
    public void Parse_QuotedCondition_MapsColumnsPastTheQuote()
    {
        var problem = Single("name: a\nsteps:\n  one:\n    run: x\n  two:\n    depends_on: one\n    condition: \"steps.one.status == 'a' and\"\n    run: x\n", 7, "ends where a value was expected");

        problem.Column.ShouldBe(44);
    }

    [Fact]
    public void Parse_ConditionNamingANonAncestor_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    run: x\n  two:\n    condition: steps.one.status == 'succeeded'\n    run: x\n", 6, "add 'one' to its depends_on");

    [Fact]
    public void Parse_ScheduleWithoutRepo_IsAProblem() =>
        Single("name: a\nschedule: \"0 3 * * *\"\nsteps:\n  one:\n    run: x\n", 2, "needs 'repo:'");

    [Fact]
    public void Parse_ScheduleMissingARequiredInput_IsAProblem() =>
        Single("name: a\nrepo: r\ninputs:\n  pkg: { required: true }\nschedule: { cron: \"0 3 * * *\" }\nsteps:\n  one:\n    run: x\n", 5, "input 'pkg' is required and has no default");

    [Fact]
    public void Parse_ScheduleRequiredInputWithDefault_IsFine() =>
        PipelineYaml.Parse("name: a\nrepo: r\ninputs:\n  pkg: { required: true, default: x }\nschedule: { cron: \"0 3 * * *\" }\nsteps:\n  one:\n    run: x\n", "p.yml").Problems.ShouldBeEmpty();

    [Fact]
    public void Parse_ScheduleGivingUndeclaredInput_IsAProblem() =>
        Single("name: a\nrepo: r\nschedule: { cron: \"0 3 * * *\", inputs: { pkg: x } }\nsteps:\n  one:\n    run: x\n", 3, "input 'pkg', which is not declared");

    [Theory]
    [InlineData("0 3 * *", "has 4 fields")]
    [InlineData("61 3 * * *", "does not parse")]
    [InlineData("a b c d e", "does not parse")]
    [InlineData("0 0 3 * * * *", "has 7 fields")]
    public void Parse_BadCron_IsAProblem(string cron, string message) =>
        Single($"name: a\nrepo: r\nschedule: {{ cron: \"{cron}\" }}\nsteps:\n  one:\n    run: x\n", 3, message);

    [Fact]
    public void Parse_CronWithSeconds_IsFine() =>
        PipelineYaml.Parse("name: a\nrepo: r\nschedule: { cron: \"30 0 3 * * *\" }\nsteps:\n  one:\n    run: x\n", "p.yml").Problems.ShouldBeEmpty();

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/localtime")]
    [InlineData("Europe/../../etc/passwd")]
    [InlineData("Europe/Berlin ")]
    public void Parse_UnknownTimeZone_NamesIt(string zone) =>
        Single($"name: a\nrepo: r\nschedule: {{ cron: \"0 3 * * *\", time_zone: \"{zone}\" }}\nsteps:\n  one:\n    run: x\n", 3, $"time zone '{zone}' is not known");

    [Theory]
    [InlineData("UTC")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("Etc/GMT+5")]
    public void Parse_KnownTimeZone_IsFine(string zone) =>
        PipelineYaml.Parse($"name: a\nrepo: r\nschedule: {{ cron: \"0 3 * * *\", time_zone: {zone} }}\nsteps:\n  one:\n    run: x\n", "p.yml").Problems.ShouldBeEmpty();

    [Fact]
    public void Parse_ConditionTooLong_IsAProblem() =>
        Single($"name: a\nsteps:\n  one:\n    run: x\n    condition: {string.Join(" and ", Enumerable.Repeat("true", 500))}\n", 5, $"at most {PipelineCondition.MaxLength}");

    [Theory]
    [InlineData("on_failure: retry", "'on_failure' is one of stop, continue")]
    [InlineData("requires_approval: yes", "'requires_approval' is true or false")]
    [InlineData("requires_approval: \"true\"", "'requires_approval' is true or false")]
    public void Parse_BadEnumOrBoolean_IsAProblem(string line, string message) =>
        Single($"name: a\nsteps:\n  one:\n    run: x\n    {line}\n", 5, message);

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1e3")]
    [InlineData("[1]")]
    [InlineData("99999999999999999999999999999999999")]
    public void Parse_BadCost_IsAProblem(string cost) =>
        Single($"name: a\nsteps:\n  one:\n    instruction: x\n    max_cost_usd: {cost}\n", 5, "max_cost_usd is a positive number");

    [Fact]
    public void Parse_BadPullRequestMode_IsAProblem() =>
        Single("name: a\npull_request: always\nsteps:\n  one:\n    run: x\n", 2, "'pull_request' is one of end, per_step, none");

    [Fact]
    public void Parse_ModelWithoutProvider_IsAProblem() =>
        Single("name: a\nsteps:\n  one:\n    instruction: x\n    model: gpt-4.1\n", 5, "provider/model");

    [Fact]
    public void Parse_BadBaseBranch_IsAProblem() =>
        Single("name: a\nbase_branch: -main\nsteps:\n  one:\n    run: x\n", 2, "not a usable branch name");

    [Fact]
    public void Parse_TooManySteps_IsAProblem()
    {
        var steps = string.Concat(Enumerable.Range(0, PipelineDefinition.MaxSteps + 1).Select(i => $"  s{i}:\n    run: x\n"));

        Single($"name: a\nsteps:\n{steps}", 3, $"at most {PipelineDefinition.MaxSteps}");
    }

    [Fact]
    public void Parse_TooManyInputs_IsAProblem()
    {
        var inputs = string.Concat(Enumerable.Range(0, PipelineDefinition.MaxInputs + 1).Select(i => $"  i{i}:\n"));

        Single($"name: a\ninputs:\n{inputs}steps:\n  one:\n    run: x\n", 3, $"at most {PipelineDefinition.MaxInputs}");
    }

    [Fact]
    public void Parse_CommandTooLong_IsAProblem() =>
        Single($"name: a\nsteps:\n  one:\n    run: {new string('x', PipelineStep.MaxCommandLength + 1)}\n", 4, $"at most {PipelineStep.MaxCommandLength}");

    [Fact]
    public void Parse_InstructionTooLong_IsAProblem() =>
        Single($"name: a\nsteps:\n  one:\n    instruction: {new string('x', PipelineStep.MaxInstructionLength + 1)}\n", 4, $"at most {PipelineStep.MaxInstructionLength}");

    [Fact]
    public void Parse_InputDefaultTooLong_IsAProblem() =>
        Single($"name: a\ninputs:\n  x: {{ default: {new string('x', PipelineInput.MaxValueLength + 1)} }}\nsteps:\n  one:\n    run: x\n", 3, $"at most {PipelineInput.MaxValueLength}");

    [Fact]
    public void Parse_ManyProblems_AllReportedSortedByLine()
    {
        var yaml = """
            name: Bad Name
            colour: blue
            steps:
              one:
                run: echo {{ inputs.nope }}
                on_failure: maybe
              two:
                depends_on: [three]
                instruction: x
                timeout: forever
            """;

        var problems = Problems(yaml);

        problems.Select(p => p.Line).ShouldBe([1, 2, 5, 6, 8, 10]);
        problems.Select(p => p.Line).ShouldBeInOrder();
    }

    [Theory]
    [InlineData("- a\n- b", "not a list")]
    [InlineData("just text", "not 'just text'")]
    [InlineData("42", "not '42'")]
    public void Parse_RootNotAMapping_IsAProblem(string yaml, string message) =>
        Single(yaml, 1, message);

    [Fact]
    public void Parse_NonScalarKey_IsAProblem() =>
        Single("name: a\n? [x]\n: 1\nsteps:\n  one:\n    run: x\n", 2, "must be plain text");

    [Fact]
    public void Parse_StepValueNotAMapping_IsAProblem() =>
        Single("name: a\nsteps:\n  one: make\n", 3, "step 'one' is a mapping with run: or instruction:, not 'make'");
}

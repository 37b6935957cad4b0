using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class PipelineGraphTests
{
    private static PipelineDefinition Graph(params string[] steps) => new()
    {
        Name = "g",
        Steps = steps.Select(s =>
        {
            var parts = s.Split(':');
            return new PipelineStep
            {
                Name = parts[0],
                Kind = PipelineStepKind.Command,
                Run = "true",
                DependsOn = parts.Length > 1 ? parts[1].Split(',') : [],
            };
        }).ToList(),
    };

    [Fact]
    public void Layers_Diamond_DependenciesFirstWrittenOrderWithin()
    {
        var definition = Graph("d:b,c", "c:a", "b:a", "a", "z");

        PipelineGraph.Layers(definition).Select(l => string.Join(",", l)).ShouldBe(["a,z", "c,b", "d"]);
    }

    [Fact]
    public void Layers_Chain_OneStepPerLayer() =>
        PipelineGraph.Layers(Graph("a", "b:a", "c:b")).Select(l => string.Join(",", l)).ShouldBe(["a", "b", "c"]);

    [Fact]
    public void Layers_Independent_OneLayer() =>
        PipelineGraph.Layers(Graph("x", "y", "z")).ShouldHaveSingleItem().ShouldBe(["x", "y", "z"]);

    [Fact]
    public void Layers_LongestPathDecides() =>
        PipelineGraph.Layers(Graph("e:a,d", "a", "b:a", "c:b", "d:c")).Select(l => string.Join(",", l)).ShouldBe(["a", "b", "c", "d", "e"]);

    [Fact]
    public void Layers_Cycle_Throws() =>
        Should.Throw<InvalidOperationException>(() => PipelineGraph.Layers(Graph("a:b", "b:a", "c"))).Message.ShouldContain("cycle among a, b");

    [Fact]
    public void Layers_UnknownDependency_Throws() =>
        Should.Throw<InvalidOperationException>(() => PipelineGraph.Layers(Graph("a:nope"))).Message.ShouldContain("'nope'");

    [Fact]
    public void Ancestors_Transitive_AllOfThem()
    {
        var definition = Graph("a", "b:a", "c:b", "d:a", "e:c,d", "f");

        PipelineGraph.Ancestors(definition, "e").OrderBy(x => x).ShouldBe(["a", "b", "c", "d"]);
        PipelineGraph.Ancestors(definition, "a").ShouldBeEmpty();
        PipelineGraph.Ancestors(definition, "missing").ShouldBeEmpty();
    }

    [Fact]
    public void Layers_ParsedPipeline_MatchesItsDependencies()
    {
        var definition = PipelineYaml.Parse("name: p\nsteps:\n  lint:\n    run: x\n  build:\n    run: x\n  fix:\n    depends_on: [lint]\n    instruction: x\n  test:\n    depends_on: [fix, build]\n    run: x\n", "p.yml").Definition!;

        PipelineGraph.Layers(definition).Select(l => string.Join(",", l)).ShouldBe(["lint,build", "fix", "test"]);
    }

    [Fact]
    public void FindCycles_SelfLoopsExcludedAndEachGroupOnce()
    {
        var dependencies = new Dictionary<string, IReadOnlyList<string>>
        {
            ["a"] = ["b"],
            ["b"] = ["c", "a"],
            ["c"] = ["a"],
            ["s"] = ["s"],
        };

        PipelineGraph.FindCycles(["a", "b", "c", "s"], dependencies).ShouldHaveSingleItem().ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Layers_HundredStepChain_Works()
    {
        var steps = Enumerable.Range(0, PipelineDefinition.MaxSteps).Select(i => i == 0 ? "s0" : $"s{i}:s{i - 1}").ToArray();

        PipelineGraph.Layers(Graph(steps)).Count.ShouldBe(PipelineDefinition.MaxSteps);
    }
}

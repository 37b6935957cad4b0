using System.Diagnostics;
using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class PipelineYamlHostileTests
{
    private static PipelineProblem Refused(string text)
    {
        var result = PipelineYaml.Parse(text, "p.yml");
        result.Definition.ShouldBeNull();
        result.Ok.ShouldBeFalse();
        return result.Problems.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void Parse_Empty_SaysTheFileIsEmpty(string text) =>
        Refused(text).Message.ShouldContain("the file is empty");

    [Fact]
    public void Parse_OneMegabyte_RefusedBeforeReading()
    {
        var problem = Refused("name: a\nsteps:\n  one:\n    run: " + new string('x', 1024 * 1024) + "\n");

        problem.Line.ShouldBe(1);
        problem.Message.ShouldContain($"at most {PipelineYaml.MaxBytes}");
    }

    [Fact]
    public void Parse_JustOverMaxBytesInMultibyteCharacters_Refused() =>
        Refused("name: a\ndescription: " + new string('é', PipelineYaml.MaxBytes / 2) + "\n").Message.ShouldContain("bytes");

    [Fact]
    public void Parse_AliasBomb_RefusedAtTheFirstAnchorQuickly()
    {
        var lines = new List<string> { "name: a", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 12; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }
        lines.Add("steps:\n  one:\n    run: x");
        var watch = Stopwatch.StartNew();

        var problem = Refused(string.Join('\n', lines));

        problem.Line.ShouldBe(2);
        problem.Message.ShouldContain("anchors (&a0) are not read");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Parse_AliasWithoutAnchor_Refused() =>
        Refused("name: *nothing\nsteps:\n  one:\n    run: x\n").Line.ShouldBe(1);

    [Fact]
    public void Parse_MergeKey_RefusedAsAnAnchor() =>
        Refused("base: &b { run: x }\nname: a\nsteps:\n  one:\n    <<: *b\n").Message.ShouldContain("anchors");

    [Fact]
    public void Parse_CustomTag_Refused()
    {
        var problem = Refused("name: !!python/object:os.system a\nsteps:\n  one:\n    run: x\n");

        problem.Message.ShouldContain("is not read");
        problem.Line.ShouldBe(1);
    }

    [Fact]
    public void Parse_StandardTag_Accepted() =>
        PipelineYaml.Parse("name: !!str a\nsteps:\n  one:\n    run: !!str 123\n", "p.yml").Problems.ShouldBeEmpty();

    [Theory]
    [InlineData(100)]
    [InlineData(100_000)]
    public void Parse_DeepFlowNesting_RefusedWithoutOverflow(int depth)
    {
        var problem = Refused("name: a\nsteps: " + new string('[', depth) + new string(']', depth) + "\n");

        problem.Message.ShouldContain($"nested more than {YamlTreeReader.MaxDepth} levels");
    }

    [Fact]
    public void Parse_DeepBlockNesting_Refused()
    {
        var text = "name: a\nsteps:\n" + string.Concat(Enumerable.Range(1, 60).Select(i => new string(' ', i * 2) + $"k{i}:\n"));

        Refused(text).Message.ShouldContain("nested more than");
    }

    [Fact]
    public void Parse_TooManyValues_Refused()
    {
        var text = "name: a\nsteps:\n  one:\n    run: x\n    depends_on: [" + string.Join(",", Enumerable.Repeat("a", YamlTreeReader.MaxNodes + 1)) + "]\n";

        Refused(text).Message.ShouldContain($"more than {YamlTreeReader.MaxNodes} YAML values");
    }

    [Fact]
    public void Parse_ThousandsOfProblems_ListsTheFirstAndCountsTheRest()
    {
        var text = "name: a\nsteps:\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => $"  s{i}: {{ bogus: 1 }}\n"));

        var problems = PipelineYaml.Parse(text, "p.yml").Problems;

        problems.Count.ShouldBe(PipelineYaml.MaxProblems + 1);
        problems.Select(p => p.Line).ShouldBeInOrder();
        problems[^1].Message.ShouldStartWith($"{(3000 * 2) + 1 - PipelineYaml.MaxProblems} more problems");
    }

    [Fact]
    public void Parse_TwoDocuments_Refused() =>
        Refused("name: a\nsteps:\n  one:\n    run: x\n---\nname: b\n").Message.ShouldContain("more than one YAML document");

    [Fact]
    public void Parse_TabIndentation_IsInvalidYamlWithItsLine()
    {
        var problem = Refused("name: a\nsteps:\n\tone:\n\t\trun: x\n");

        problem.Line.ShouldBe(3, problem.ToString());
        problem.Column.ShouldBe(1);
        problem.Message.ShouldStartWith("not valid YAML");
        problem.Message.ShouldContain("indent with spaces, not tabs");
    }

    [Fact]
    public void Parse_UnterminatedQuote_IsInvalidYaml() =>
        Refused("name: \"a\nsteps:\n  one:\n    run: x\n").Message.ShouldStartWith("not valid YAML");

    [Fact]
    public void Parse_BadIndentation_NamesTheLine()
    {
        var problem = Refused("name: a\nsteps:\n  one:\n    run: x\n   two: y\n");

        problem.Line.ShouldBe(5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Parse_BinaryGarbage_NeverThrows(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        var text = System.Text.Encoding.Latin1.GetString(bytes);

        var result = PipelineYaml.Parse(text, "p.yml");

        result.Ok.ShouldBeFalse();
        result.Problems.ShouldNotBeEmpty();
        result.Problems.ShouldAllBe(p => p.Line >= 1 && p.Column >= 1 && p.File == "p.yml");
    }

    [Theory]
    [InlineData('\0')]
    [InlineData('\u0007')]
    [InlineData('\u001b')]
    [InlineData('\u007f')]
    public void Parse_ControlCharacter_RefusedWithItsPosition(char character)
    {
        var problem = Refused($"name: a\nsteps:\n  one:\n    run: x{character}y\n");

        problem.Line.ShouldBe(4);
        problem.Column.ShouldBe(11);
        problem.Message.ShouldContain($"U+{(int)character:X4}");
    }

    [Fact]
    public void Parse_MutatedValidFile_NeverThrows()
    {
        var valid = "name: a\ninputs:\n  x: { default: \"1\" }\nsteps:\n  one:\n    run: echo {{inputs.x}}\n  two:\n    depends_on: [one]\n    condition: steps.one.output.n > 0 and not (steps.one.status == 'failed')\n    instruction: \"{{ steps.one.output.n }}\"\n";
        var random = new Random(7);
        const string Alphabet = "{}[]:,&*!|>'\"#-? \n\t\\%@`abc0.";
        for (var i = 0; i < 3000; i++)
        {
            var chars = valid.ToCharArray();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
            }
            var result = PipelineYaml.Parse(new string(chars), "p.yml");
            (result.Ok || result.Problems.Count > 0).ShouldBeTrue();
        }
    }

    [Fact]
    public void Parse_NullFileName_StillNamesAFile() =>
        PipelineYaml.Parse("nope", null!).Problems.ShouldHaveSingleItem().File.ShouldBe("pipeline.yml");
}

using System.Text.Json;
using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

/// <summary>Random conditions checked against C#'s own boolean logic, and random text that must fail only as a parse error.</summary>
public sealed class PipelineConditionGeneratedTests
{
    private static readonly PipelineValues Values = new(
        new Dictionary<string, string> { ["n"] = "5" },
        new Dictionary<string, StepValues>
        {
            ["a"] = new("succeeded", JsonDocument.Parse("""{ "t": true, "f": false, "n": 2 }""").RootElement.Clone()),
        });

    [Fact]
    public void Evaluate_RandomBooleanExpressions_AgreeWithCSharp()
    {
        var random = new Random(24);
        for (var i = 0; i < 5_000; i++)
        {
            var (text, expected) = Expression(random, 0);
            if (text.Length > PipelineCondition.MaxLength)
            {
                continue;
            }

            PipelineCondition.Parse(text).Evaluate(Values).ShouldBe(expected, text);
        }
    }

    [Fact]
    public void Parse_RandomTokenSoup_OnlyExpressionErrors()
    {
        string[] pieces = ["(", ")", "and", "or", "not", "!", "&&", "||", "==", "!=", "<", "<=", ">", ">=", "1", "-2.5", "'x'", "\"y\"",
            "true", "false", "null", "steps.a.status", "steps.a.output.n", "inputs.n", "'", "\\", "=", "&", "|", "1e999", ".", "steps", "{{", "$"];
        var random = new Random(25);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            try
            {
                PipelineCondition.Parse(text).Evaluate(Values);
                parsed++;
            }
            catch (PipelineExpressionException e)
            {
                e.Column.ShouldBeInRange(0, text.Length + 1, text);
                e.Message.ShouldNotBeNullOrWhiteSpace();
            }
        }
        parsed.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Parse_RandomTemplateText_OnlyExpressionErrors()
    {
        const string Alphabet = "{}{} .abcsteps.inputs.output$\\'\"\n";
        var random = new Random(26);
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 30)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            try
            {
                var template = PipelineTemplate.Parse(text);
                foreach (var reference in template.References)
                {
                    reference.Column.ShouldBeInRange(1, text.Length, text);
                }
            }
            catch (PipelineExpressionException e)
            {
                e.Column.ShouldBeInRange(1, text.Length + 1, text);
            }
        }
    }

    private static (string Text, bool Value) Expression(Random random, int depth)
    {
        var choice = depth >= 6 ? random.Next(4) : random.Next(9);
        switch (choice)
        {
            case 0:
                return random.Next(2) == 0 ? ("true", true) : ("false", false);
            case 1:
                return random.Next(2) == 0 ? ("steps.a.output.t", true) : ("steps.a.output.f", false);
            case 2:
                var number = random.Next(-3, 8);
                var op = new[] { "==", "!=", "<", "<=", ">", ">=" }[random.Next(6)];
                var left = random.Next(2) == 0 ? 2 : 5;
                var reference = left == 2 ? "steps.a.output.n" : "inputs.n";
                return ($"{reference} {op} {number}", op switch
                {
                    "==" => left == number,
                    "!=" => left != number,
                    "<" => left < number,
                    "<=" => left <= number,
                    ">" => left > number,
                    _ => left >= number,
                });
            case 3:
                return random.Next(2) == 0 ? ("steps.a.status == 'succeeded'", true) : ("steps.b.status == null", true);
            case 4:
            case 5:
                var (l, lv) = Expression(random, depth + 1);
                var (r, rv) = Expression(random, depth + 1);
                return random.Next(2) == 0 ? ($"({l}) and ({r})", lv && rv) : ($"({l}) && ({r})", lv && rv);
            case 6:
            case 7:
                var (x, xv) = Expression(random, depth + 1);
                var (y, yv) = Expression(random, depth + 1);
                return random.Next(2) == 0 ? ($"({x}) or ({y})", xv || yv) : ($"({x}) || ({y})", xv || yv);
            default:
                var (inner, iv) = Expression(random, depth + 1);
                return random.Next(2) == 0 ? ($"not ({inner})", !iv) : ($"!({inner})", !iv);
        }
    }
}

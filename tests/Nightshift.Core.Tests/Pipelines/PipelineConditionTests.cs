using System.Text.Json;
using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class PipelineConditionTests
{
    private static readonly PipelineValues Values = new(
        new Dictionary<string, string> { ["pkg"] = "left-pad", ["count"] = "3", ["empty"] = "" },
        new Dictionary<string, StepValues>
        {
            ["lint"] = new("succeeded", Json("""{ "error_count": 3, "text": "3", "ok": true, "bad": false, "none": null, "list": [1, 2], "nested": { "deep": { "x": "y" } }, "big": 1e400, "name": "lint" }""")),
            ["test"] = new("failed"),
            ["skipped"] = new("skipped"),
        });

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static bool Eval(string condition) => PipelineCondition.Parse(condition).Evaluate(Values);

    private static PipelineExpressionException EvalError(string condition) =>
        Should.Throw<PipelineExpressionException>(() => PipelineCondition.Parse(condition).Evaluate(Values));

    private static PipelineExpressionException ParseError(string condition) =>
        Should.Throw<PipelineExpressionException>(() => PipelineCondition.Parse(condition));

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("not true", false)]
    [InlineData("!false", true)]
    [InlineData("not not true", true)]
    public void Evaluate_Literals_AreThemselves(string condition, bool expected) => Eval(condition).ShouldBe(expected);

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Evaluate_AndOrTruthTables_MatchBooleanLogic(bool a, bool b)
    {
        var (x, y) = (a ? "true" : "false", b ? "true" : "false");

        Eval($"{x} and {y}").ShouldBe(a && b);
        Eval($"{x} && {y}").ShouldBe(a && b);
        Eval($"{x} or {y}").ShouldBe(a || b);
        Eval($"{x} || {y}").ShouldBe(a || b);
        Eval($"not {x} and {y}").ShouldBe(!a && b);
        Eval($"not ({x} and {y})").ShouldBe(!(a && b));
    }

    [Fact]
    public void Evaluate_Precedence_NotAboveComparisonAndBelowOr()
    {
        // not a == b and c or d  reads  ((not (a == b)) and c) or d
        foreach (var a in new[] { 1, 2 })
        {
            foreach (var c in new[] { true, false })
            {
                foreach (var d in new[] { true, false })
                {
                    var text = $"not {a} == 1 and {(c ? "true" : "false")} or {(d ? "true" : "false")}";
                    Eval(text).ShouldBe((!(a == 1) && c) || d, text);
                }
            }
        }
    }

    [Fact]
    public void Evaluate_AndBindsTighterThanOr() => Eval("true or false and false").ShouldBeTrue();

    [Fact]
    public void Evaluate_Parentheses_Group() => Eval("(true or false) and false").ShouldBeFalse();

    [Theory]
    [InlineData("steps.lint.output.error_count > 0", true)]
    [InlineData("steps.lint.output.error_count == 3", true)]
    [InlineData("steps.lint.output.error_count == 3.0", true)]
    [InlineData("steps.lint.output.error_count >= 3", true)]
    [InlineData("steps.lint.output.error_count < 3", false)]
    [InlineData("steps.lint.output.error_count <= 2.5", false)]
    [InlineData("steps.lint.output.error_count != 4", true)]
    [InlineData("steps.lint.output.error_count == 3e0", true)]
    [InlineData("steps.lint.output.error_count > -1", true)]
    [InlineData("steps.lint.output.error_count == +3", true)]
    [InlineData("steps.lint.output.text == 3", true)]
    [InlineData("steps.lint.output.text > 2", true)]
    [InlineData("3 == steps.lint.output.text", true)]
    [InlineData("steps.lint.output.text == '3'", true)]
    [InlineData("steps.lint.output.text == '3.0'", false)]
    [InlineData("inputs.count == 3", true)]
    [InlineData("inputs.count > 10", false)]
    [InlineData("inputs.pkg == 'left-pad'", true)]
    [InlineData("inputs.pkg == \"left-pad\"", true)]
    [InlineData("inputs.pkg != 'Left-Pad'", true)]
    [InlineData("inputs.pkg < 'm'", true)]
    [InlineData("'b' > 'a'", true)]
    [InlineData("'B' < 'a'", true)]
    [InlineData("inputs.empty == ''", true)]
    [InlineData("inputs.pkg == 3", false)]
    [InlineData("steps.lint.output.ok", true)]
    [InlineData("steps.lint.output.ok == true", true)]
    [InlineData("steps.lint.output.bad == false", true)]
    [InlineData("steps.lint.output.ok == 'true'", false)]
    [InlineData("steps.lint.output.ok == 1", false)]
    [InlineData("steps.lint.output.none == null", true)]
    [InlineData("steps.lint.output.absent == null", true)]
    [InlineData("steps.lint.output.none != null", false)]
    [InlineData("null == null", true)]
    [InlineData("steps.lint.output.none == 0", false)]
    [InlineData("steps.lint.output.none == ''", false)]
    [InlineData("steps.lint.output.none == false", false)]
    [InlineData("steps.lint.output.nested.deep.x == 'y'", true)]
    [InlineData("steps.lint.output.list.1 == 2", true)]
    [InlineData("steps.lint.output.list.9 == null", true)]
    [InlineData("steps.lint.output.name.x == null", true)]
    [InlineData("steps.lint.status == 'succeeded'", true)]
    [InlineData("steps.test.status == 'failed'", true)]
    [InlineData("steps.test.output.x == null", true)]
    [InlineData("steps.skipped.status == 'skipped'", true)]
    [InlineData("steps.never.status == null", true)]
    [InlineData("inputs.missing == null", true)]
    [InlineData("'it\\'s' == \"it's\"", true)]
    [InlineData("'a\\\\b' == \"a\\\\b\"", true)]
    [InlineData("0.1 < 0.2", true)]
    [InlineData("1e308 > 1", true)]
    public void Evaluate_Comparisons_FollowTheRules(string condition, bool expected) => Eval(condition).ShouldBe(expected, condition);

    [Theory]
    [InlineData("steps.lint.output.error_count", 1, "a number (3)")]
    [InlineData("steps.lint.output.none", 1, "null")]
    [InlineData("inputs.pkg and true", 1, "a string ('left-pad')")]
    [InlineData("true and 1", 10, "a number (1)")]
    [InlineData("false or 'x'", 10, "a string")]
    [InlineData("not steps.lint.output.absent", 5, "steps.lint.output.absent is null")]
    public void Evaluate_NonBooleanWhereOneIsNeeded_NamesTheValueAndColumn(string condition, int column, string contains)
    {
        var error = EvalError(condition);

        error.Column.ShouldBe(column);
        error.Message.ShouldContain(contains);
        error.Message.ShouldContain("needs true or false");
    }

    [Fact]
    public void Evaluate_AndShortCircuits_SkipsTheRightSide() => Eval("false and steps.lint.output.error_count").ShouldBeFalse();

    [Fact]
    public void Evaluate_OrShortCircuits_SkipsTheRightSide() => Eval("true or 'not a boolean'").ShouldBeTrue();

    [Theory]
    [InlineData("steps.lint.output.none > 0", "steps.lint.output.none is null")]
    [InlineData("steps.never.status > 'a'", "steps.never.status is null")]
    [InlineData("steps.lint.output.ok > 1", "steps.lint.output.ok is true")]
    [InlineData("inputs.pkg > 3", "inputs.pkg is a string ('left-pad')")]
    [InlineData("3 < inputs.pkg", "inputs.pkg is a string")]
    [InlineData("true < false", "orders numbers")]
    public void Evaluate_OrderingOtherThanNumbersOrStrings_IsAnError(string condition, string contains) =>
        EvalError(condition).Message.ShouldContain(contains);

    [Theory]
    [InlineData("steps.lint.output.nested == 1", "an object")]
    [InlineData("steps.lint.output.list != null", "an array")]
    [InlineData("steps.lint.output.list > 1", "an array")]
    public void Evaluate_ObjectOrArrayCompared_IsAnError(string condition, string contains) =>
        EvalError(condition).Message.ShouldContain(contains);

    [Fact]
    public void Evaluate_HugeOutputNumber_IsNotANumberItCanCompare() =>
        EvalError("steps.lint.output.big > 1").Message.ShouldContain("orders numbers");

    [Fact]
    public void Evaluate_ComparisonResult_IsNotANumber() => EvalError("(1 == 1) > 0").Message.ShouldContain("orders numbers");

    [Fact]
    public void Parse_References_ListedInOrder()
    {
        var condition = PipelineCondition.Parse("steps.lint.output.a.b > 0 and (inputs.x == 'y' or steps.test.status != 'failed')");

        condition.References.Select(r => r.ToString()).ShouldBe(["steps.lint.output.a.b", "inputs.x", "steps.test.status"]);
        condition.References[0].ShouldBe(new PipelineReference("steps", "lint", ["output", "a", "b"], 1), new ReferenceComparer());
        condition.References[1].Column.ShouldBe(32);
        condition.Text.ShouldContain("inputs.x");
    }

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("   ", 4, "empty")]
    [InlineData("a", 1, "unknown name 'a'")]
    [InlineData("1 = 1", 3, "'=' alone")]
    [InlineData("1 == ", 6, "ends where a value was expected")]
    [InlineData("(1 == 1", 8, "not closed")]
    [InlineData("(1 == 1 2)", 9, "expected ')'")]
    [InlineData("1 == 1)", 7, "closes nothing")]
    [InlineData("1 == 1 1", 8, "after a complete condition")]
    [InlineData("1 < 2 < 3", 7, "do not chain")]
    [InlineData("'abc", 1, "not closed")]
    [InlineData("\"abc", 1, "not closed")]
    [InlineData("'abc\\", 1, "not closed")]
    [InlineData("'a\\nb'", 3, "unknown escape")]
    [InlineData("1 & 1", 3, "'&' alone")]
    [InlineData("1 | 1", 3, "'|' alone")]
    [InlineData("1.", 2, "followed by digits")]
    [InlineData("1e", 2, "exponent")]
    [InlineData("-", 1, "must start a number")]
    [InlineData("- 1 == 1", 1, "must start a number")]
    [InlineData("1x == 1", 2, "cannot follow a number")]
    [InlineData("1 + 1 == 2", 3, "must start a number")]
    [InlineData("1 == 1 ; rm", 8, "unexpected character ';'")]
    [InlineData("$(id) == 1", 1, "unexpected character '$'")]
    [InlineData("steps.lint", 1, "incomplete")]
    [InlineData("steps.lint.output", 1, "whole output")]
    [InlineData("steps.lint.result == 1", 1, "only 'status' and 'output.KEY'")]
    [InlineData("steps.lint.status.x == 1", 1, "only 'status'")]
    [InlineData("inputs.a.b == 1", 1, "not an input reference")]
    [InlineData("inputs == 1", 1, "not an input reference")]
    [InlineData("steps..status == 1", 1, "empty part")]
    [InlineData("True", 1, "unknown name 'True'")]
    [InlineData("== 1", 1, "expected a value")]
    [InlineData("and", 1, "expected a value")]
    [InlineData("not", 4, "ends where")]
    [InlineData("1 == 1 and\u0000", 11, "U+0000")]
    public void Parse_Malformed_ThrowsWithColumn(string condition, int column, string contains)
    {
        var error = ParseError(condition);

        error.Column.ShouldBe(column, error.Message);
        error.Message.ShouldContain(contains);
    }

    [Fact]
    public void Parse_TooLong_Refused() =>
        ParseError("true" + new string(' ', PipelineCondition.MaxLength)).Message.ShouldContain($"at most {PipelineCondition.MaxLength}");

    [Fact]
    public void Parse_DeepParentheses_RefusedWithoutOverflow()
    {
        ParseError(new string('(', 900) + "true" + new string(')', 900)).Message.ShouldContain($"more than {PipelineCondition.MaxDepth} levels");
        Eval(new string('(', PipelineCondition.MaxDepth - 1) + "true" + new string(')', PipelineCondition.MaxDepth - 1)).ShouldBeTrue();
    }

    [Fact]
    public void Parse_DeepNots_Refused() =>
        ParseError(string.Concat(Enumerable.Repeat("not ", 400)) + "true").Message.ShouldContain("nested");

    [Fact]
    public void Parse_DeepBangs_Refused() =>
        ParseError(new string('!', 1000) + "true").Message.ShouldContain("nested");

    [Fact]
    public void Evaluate_LongAndChain_Works()
    {
        var text = string.Join(" and ", Enumerable.Repeat("true", 200));

        Eval(text).ShouldBeTrue();
    }

    [Theory]
    [InlineData("1234567890123456789012345678901234567890 > 1")]
    public void Parse_FortyDigitNumber_Accepted(string condition) => Eval(condition).ShouldBeTrue();

    [Theory]
    [InlineData("12345678901234567890123456789012345678901 > 1", "at most 40")]
    [InlineData("1e999 > 1", "too large")]
    [InlineData("-1e999 > 1", "too large")]
    public void Parse_HugeNumber_Refused(string condition, string contains) => ParseError(condition).Message.ShouldContain(contains);

    [Fact]
    public void Parse_HugeString_WithinMaxLength_Works() =>
        Eval("'" + new string('x', 1_900) + "' > 'w'").ShouldBeTrue();

    [Fact]
    public void Evaluate_OutputStringWithQuotesAndCode_IsOnlyData()
    {
        var values = new PipelineValues(
            new Dictionary<string, string>(),
            new Dictionary<string, StepValues> { ["a"] = new("succeeded", Json("""{ "x": "' or true or '", "y": "$(rm -rf /)" }""")) });

        PipelineCondition.Parse("steps.a.output.x == 'y'").Evaluate(values).ShouldBeFalse();
        PipelineCondition.Parse("steps.a.output.y == '$(rm -rf /)'").Evaluate(values).ShouldBeTrue();
    }

    [Fact]
    public void Parse_TabsAndNewlines_AreSpace() => Eval("1\t==\n1\r\nand\ttrue").ShouldBeTrue();

    private sealed class ReferenceComparer : IEqualityComparer<PipelineReference>
    {
        public bool Equals(PipelineReference? x, PipelineReference? y) =>
            x is not null && y is not null && x.Root == y.Root && x.Name == y.Name && x.Path.SequenceEqual(y.Path) && x.Column == y.Column;

        public int GetHashCode(PipelineReference obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}

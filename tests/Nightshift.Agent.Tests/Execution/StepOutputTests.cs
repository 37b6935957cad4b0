using Nightshift.Agent.Execution;
using Nightshift.Agent.Loop;
using Nightshift.Core.Pipelines;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>What a command step's stdout yields as its output, and an agent step's budget.</summary>
public sealed class StepOutputTests
{
    [Theory]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("noise\nmore noise\n{\"a\":1}\n\n\n", "{\"a\":1}")]
    [InlineData("  {\"a\": [1, {\"b\": null}]}  \r\n", "{\"a\": [1, {\"b\": null}]}")]
    [InlineData("{\"a\":1}\r\n", "{\"a\":1}")]
    public void FromStdout_LastLineIsAnObject_ReturnsIt(string stdout, string expected)
    {
        StepOutput.FromStdout(stdout, out var why).ShouldNotBeNull().GetRawText().ShouldBe(expected);
        why.ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    public void FromStdout_NothingPrinted_NoOutputAndNothingToSay(string stdout)
    {
        StepOutput.FromStdout(stdout, out var why).ShouldBeNull();
        why.ShouldBeNull();
    }

    [Theory]
    [InlineData("{\"a\":1}\ndone")]
    [InlineData("[1,2,3]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("{'a':1}")]
    public void FromStdout_LastLineIsNoObject_NoOutputAndSaysWhy(string stdout)
    {
        StepOutput.FromStdout(stdout, out var why).ShouldBeNull();
        why.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void FromStdout_DeeplyNestedObject_NoOutputInsteadOfAnError()
    {
        var deep = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 500)) + string.Concat(Enumerable.Repeat("]", 500)) + "}";

        StepOutput.FromStdout(deep, out var why).ShouldBeNull();
        why.ShouldNotBeNull();
    }

    [Fact]
    public void FromStdout_ObjectAtTheSizeLimit_IsKeptAndOneByteMoreIsNot()
    {
        var fill = RunStepRecord.MaxOutputBytes - "{\"x\":\"\"}".Length;
        var atLimit = "{\"x\":\"" + new string('y', fill) + "\"}";
        var over = "{\"x\":\"" + new string('y', fill + 1) + "\"}";

        StepOutput.FromStdout(atLimit, out _).ShouldNotBeNull();
        StepOutput.FromStdout(over, out var why).ShouldBeNull();
        why.ShouldNotBeNull().ShouldContain("larger than");
    }

    [Fact]
    public void FromStdout_MultiByteCharacters_CountedInBytes()
    {
        // 3 bytes each in UTF-8: fewer characters than the limit, more bytes.
        var text = "{\"x\":\"" + new string('€', RunStepRecord.MaxOutputBytes / 3) + "\"}";

        StepOutput.FromStdout(text, out var why).ShouldBeNull();
        why.ShouldNotBeNull();
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData(2, 2)]
    [InlineData(50, 10)]
    [InlineData(0, 0)]
    public void StepBudget_MaxCostUsd_CapsTheAgentsCostButNeverRaisesIt(int? stepMax, int expected)
    {
        var step = new RunStepTask { RunId = "run_1", Step = "fix", Branch = "nightshift/run-1", MaxCostUsd = stepMax };

        AgentTaskExecutor.StepBudget(new AgentBudget { MaxCostUsd = 10m }, step).MaxCostUsd.ShouldBe(expected);
        AgentTaskExecutor.StepBudget(new AgentBudget { MaxCostUsd = 10m }, null).MaxCostUsd.ShouldBe(10m);
    }
}

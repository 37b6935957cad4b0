using Nightshift.Agent.Execution;

namespace Nightshift.Agent.Tests.Execution;

public sealed class ExecutionCheckpointTests
{
    [Fact]
    public void Read_CheckpointFromBeforePlanning_KeepsItsStageWithNoPlanOrSubtasks()
    {
        var checkpoint = ExecutionCheckpoint.Read("""{"stage":"built","summary":"Fix add","rounds":2,"stopReason":null}""");

        checkpoint.Stage.ShouldBe("built");
        checkpoint.Rounds.ShouldBe(2);
        checkpoint.Reached("planned").ShouldBeTrue();
        checkpoint.Reached("verified").ShouldBeFalse();
        checkpoint.Plan.ShouldBeNull();
        checkpoint.Subtasks.ShouldBeEmpty();
        checkpoint.ErrorSignatures.ShouldBeEmpty();
    }

    [Fact]
    public void Read_WhatToJsonWrote_RoundTrips()
    {
        var written = new ExecutionCheckpoint
        {
            Stage = "planned",
            Plan = """{"subtasks":[]}""",
            PlanMode = "planned",
            Subtasks = [new SubtaskProgress("a", "f00", "completed", "abc", "Did a")],
            ErrorSignatures = ["k1", "k1"],
            DebugMode = true,
        };

        var read = ExecutionCheckpoint.Read(written.ToJson());

        read.Subtasks.ShouldBe(written.Subtasks);
        read.ErrorSignatures.ShouldBe(["k1", "k1"]);
        (read with { Subtasks = written.Subtasks, ErrorSignatures = written.ErrorSignatures }).ShouldBe(written);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"stage":"built","subtasks":"nope"}""")]
    public void Read_MissingOrMalformed_StartsFresh(string? json)
    {
        var checkpoint = ExecutionCheckpoint.Read(json);

        checkpoint.Stage.ShouldBe("prepared");
        checkpoint.Subtasks.ShouldBeEmpty();
    }

    [Fact]
    public void Read_ExplicitNullLists_ReadAsEmpty() =>
        ExecutionCheckpoint.Read("""{"stage":"planned","subtasks":null,"errorSignatures":null}""").Subtasks.ShouldBeEmpty();

    [Fact]
    public void Reached_UnknownStage_CountsAsNothingDone() =>
        ExecutionCheckpoint.Read("""{"stage":"from-the-future"}""").Reached("planned").ShouldBeFalse();
}

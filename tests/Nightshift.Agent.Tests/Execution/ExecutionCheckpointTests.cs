using Nightshift.Agent.Execution;

namespace Nightshift.Agent.Tests.Execution;

public sealed class ExecutionCheckpointTests
{
    [Fact]
    public void Read_CheckpointFromBeforePlanning_KeepsItsStageWithNoPlanOrSubtasks()
    {
        var checkpoint = ExecutionCheckpoint.Read("""{"stage":"built","summary":"Fix add","rounds":2,"stopReason":null}""");

        checkpoint.Stage.ShouldBe(CheckpointStage.Built);
        checkpoint.Rounds.ShouldBe(2);
        checkpoint.Reached(CheckpointStage.Planned).ShouldBeTrue();
        checkpoint.Reached(CheckpointStage.Verified).ShouldBeFalse();
        checkpoint.Plan.ShouldBeNull();
        checkpoint.Subtasks.ShouldBeEmpty();
        checkpoint.ErrorSignatures.ShouldBeEmpty();
    }

    [Fact]
    public void Read_SubtaskFromBeforeParallelBuilds_HasNoSubtaskCommit()
    {
        var checkpoint = ExecutionCheckpoint.Read("""{"stage":"planned","subtasks":[{"id":"a","fingerprint":"f00","status":"completed","commit":"abc","summary":"Did a"}]}""");

        checkpoint.Subtasks.ShouldHaveSingleItem().ShouldBe(new SubtaskResult("a", "f00", SubtaskState.Completed) { Commit = "abc", Summary = "Did a" });
        checkpoint.Subtasks[0].SubtaskCommit.ShouldBeNull();
    }

    [Fact]
    public void Read_BuiltButUnmergedSubtask_KeepsItsOwnCommit()
    {
        var written = new ExecutionCheckpoint { Subtasks = [new SubtaskResult("b", "f01", SubtaskState.Built) { Summary = "Did b", SubtaskCommit = "def" }] };

        var read = ExecutionCheckpoint.Read(written.ToJson());

        read.Subtasks.ShouldHaveSingleItem().SubtaskCommit.ShouldBe("def");
        read.Subtasks[0].Commit.ShouldBeNull();
        read.Subtasks[0].Status.ShouldBe(SubtaskState.Built);
    }

    [Fact]
    public void Read_WhatToJsonWrote_RoundTrips()
    {
        var written = new ExecutionCheckpoint
        {
            Stage = CheckpointStage.Planned,
            Plan = """{"subtasks":[]}""",
            PlanMode = PlanMode.Edited,
            Subtasks = [new SubtaskResult("a", "f00", SubtaskState.Completed) { Commit = "abc", Summary = "Did a" }],
            ErrorSignatures = ["k1", "k1"],
            DebugMode = true,
            OutOfScope = [new Nightshift.Agent.Verification.OutOfScopeTest("adds", "a separate bug")],
            PreExistingFedBack = true,
            StillFailing = ["parses dates"],
            Answer = "42",
        };

        var read = ExecutionCheckpoint.Read(written.ToJson());

        read.Subtasks.ShouldBe(written.Subtasks);
        read.ErrorSignatures.ShouldBe(["k1", "k1"]);
        read.OutOfScope.ShouldBe(written.OutOfScope);
        read.StillFailing.ShouldBe(["parses dates"]);
        (read with { Subtasks = written.Subtasks, ErrorSignatures = written.ErrorSignatures, OutOfScope = written.OutOfScope, StillFailing = written.StillFailing }).ShouldBe(written);
    }

    [Fact]
    public void Read_CheckpointFromBeforeDeclarations_ResumesWithNoneDeclared()
    {
        var read = ExecutionCheckpoint.Read("""{"stage":"built","summary":"Fix add","subtasks":[],"errorSignatures":[]}""");

        read.Stage.ShouldBe(CheckpointStage.Built);
        read.OutOfScope.ShouldBeEmpty();
        read.StillFailing.ShouldBeEmpty();
        read.PreExistingFedBack.ShouldBeFalse();
        read.Answer.ShouldBeNull();
    }

    [Fact]
    public void Declare_SameTestTwice_KeepsTheNewerReason()
    {
        var checkpoint = new ExecutionCheckpoint()
            .Declare([new("adds", "first"), new("mul", "m")], null)
            .Declare([new("adds", "second")], "answer");

        checkpoint.OutOfScope.Select(o => (o.Test, o.Reason)).ShouldBe([("mul", "m"), ("adds", "second")]);
        checkpoint.Answer.ShouldBe("answer");
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

        checkpoint.Stage.ShouldBe(CheckpointStage.Prepared);
        checkpoint.Subtasks.ShouldBeEmpty();
    }

    [Fact]
    public void Read_ExplicitNullLists_ReadAsEmpty() =>
        ExecutionCheckpoint.Read("""{"stage":"planned","subtasks":null,"errorSignatures":null}""").Subtasks.ShouldBeEmpty();

    [Fact]
    public void Reached_UnknownStage_CountsAsNothingDone() =>
        ExecutionCheckpoint.Read("""{"stage":"from-the-future"}""").Reached(CheckpointStage.Planned).ShouldBeFalse();

    [Theory]
    [InlineData("prepared", "Prepared", null, null)]
    [InlineData("planned", "Planned", "\"planned\"", "Planned")]
    [InlineData("built", "Built", "\"single\"", "Single")]
    [InlineData("verified", "Verified", "\"fallback\"", "Fallback")]
    [InlineData("committed", "Committed", "\"edited\"", "Edited")]
    [InlineData("pushed", "Pushed", "\"planned\"", "Planned")]
    [InlineData("published", "Published", "\"single\"", "Single")]
    public void Read_CheckpointAsTheStringTypedVersionWroteIt_ReadsTheStageAndWritesTheSameBytes(string wire, string stageName, string? modeJson, string? modeName)
    {
        var stage = Enum.Parse<CheckpointStage>(stageName);
        PlanMode? mode = modeName is null ? null : Enum.Parse<PlanMode>(modeName);
        // Byte for byte what the executor wrote while stages and plan modes were strings.
        var json = "{\"stage\":\"" + wire + "\",\"summary\":\"Fix add\",\"verificationPassed\":null,\"verificationSummary\":null,\"rounds\":1," +
            "\"commit\":null,\"stopReason\":null,\"plan\":null,\"planMode\":" + (modeJson ?? "null") + ",\"awaitingApproval\":false," +
            "\"approved\":false,\"subtasks\":[],\"errorSignatures\":[],\"debugMode\":false,\"outOfScope\":[],\"preExistingFedBack\":false," +
            "\"stillFailing\":[],\"noChange\":false,\"answer\":null}";

        var read = ExecutionCheckpoint.Read(json);

        read.Stage.ShouldBe(stage);
        read.PlanMode.ShouldBe(mode);
        read.Summary.ShouldBe("Fix add");
        read.Reached(stage).ShouldBeTrue();
        read.ToJson().ShouldBe(json);
    }

    [Fact]
    public void Reached_StagesInTheOrderATaskPassesThem_EachReachesOnlyThoseBefore()
    {
        var stages = Enum.GetValues<CheckpointStage>();

        foreach (var stage in stages)
        {
            var checkpoint = new ExecutionCheckpoint { Stage = stage };
            stages.Where(checkpoint.Reached).ShouldBe(stages.TakeWhile(s => s <= stage));
        }
    }

    [Fact]
    public void Read_UnknownPlanMode_ReadsAsPlanned() =>
        ExecutionCheckpoint.Read("""{"stage":"planned","planMode":"from-the-future"}""").PlanMode.ShouldBe(PlanMode.Planned);

    [Theory]
    [InlineData("""{"stage":3}""")]
    [InlineData("""{"stage":{"name":"built"}}""")]
    [InlineData("""{"stage":["built"]}""")]
    [InlineData("""{"stage":"built","planMode":1}""")]
    [InlineData("""{"stage":"built","planMode":true}""")]
    public void Read_StageOrPlanModeNotAString_StartsFresh(string json)
    {
        var checkpoint = ExecutionCheckpoint.Read(json);

        checkpoint.Stage.ShouldBe(CheckpointStage.Prepared);
        checkpoint.PlanMode.ShouldBeNull();
    }

    [Fact]
    public void Read_OversizedStageName_CountsAsNothingDone() =>
        ExecutionCheckpoint.Read("{\"stage\":\"" + new string('b', 1_000_000) + "\"}").Stage.ShouldBe(CheckpointStage.Prepared);

    [Fact]
    public void ToJson_SubtaskEntries_KeepTheWireNamesOlderVersionsRead()
    {
        var written = new ExecutionCheckpoint
        {
            Subtasks =
            [
                new SubtaskResult("a", "f00", SubtaskState.Completed) { Commit = "abc", Summary = "Did a", Steps = 3 },
                new SubtaskResult("b", "f01", SubtaskState.Built) { SubtaskCommit = "def" },
                new SubtaskResult("c", "f02", SubtaskState.Failed) { Reason = "budget" },
            ],
        };

        var subtasks = System.Text.Json.Nodes.JsonNode.Parse(written.ToJson())!["subtasks"]!.ToJsonString();

        subtasks.ShouldBe("""[{"id":"a","fingerprint":"f00","status":"completed","commit":"abc","summary":"Did a","steps":3},{"id":"b","fingerprint":"f01","status":"built","commit":null,"subtaskCommit":"def","summary":null},{"id":"c","fingerprint":"f02","status":"failed","commit":null,"summary":null,"reason":"budget"}]""");
    }

    [Theory]
    [InlineData("merged-somehow")]
    [InlineData("")]
    [InlineData("COMPLETED")]
    public void Read_SubtaskWithAStatusThisVersionDoesNotKnow_ReadsAsNotDone(string status)
    {
        var checkpoint = ExecutionCheckpoint.Read($$"""{"stage":"planned","subtasks":[{"id":"a","fingerprint":"f00","status":"{{status}}","commit":"abc"}]}""");

        var entry = checkpoint.Subtasks.ShouldHaveSingleItem();
        entry.Status.ShouldBe(SubtaskState.Started);
        entry.Succeeded.ShouldBeFalse();
    }

    [Fact]
    public void Read_SubtaskStatusNotAString_StartsOverRatherThanTrustIt()
    {
        var checkpoint = ExecutionCheckpoint.Read("""{"stage":"planned","subtasks":[{"id":"a","fingerprint":"f00","status":2,"commit":"abc"}]}""");

        checkpoint.Stage.ShouldBe(CheckpointStage.Prepared);
        checkpoint.Subtasks.ShouldBeEmpty();
    }

    [Fact]
    public void Read_BaselineRoundTrip_GivesTheChecksBackForTheSameCommitAndCommands()
    {
        var written = new ExecutionCheckpoint { Baseline = new BaselineCheckpoint("abc", [new BaselineCommand("node --test", 1, false, ["adds"])]) };

        var checks = ExecutionCheckpoint.Read(written.ToJson()).Baseline.ShouldNotBeNull().For("abc", ["node --test"]).ShouldNotBeNull();

        checks.ShouldHaveSingleItem().Passed.ShouldBeFalse();
        checks[0].FailingTests.ShouldBe(["adds"]);
    }

    [Theory]
    [InlineData("""{"stage":"planned","baseline":42}""")]
    [InlineData("""{"stage":"planned","baseline":{"baseCommit":"abc","commands":"node --test"}}""")]
    [InlineData("""{"stage":"planned","baseline":{"baseCommit":["abc"],"commands":[]}}""")]
    public void Read_BaselineOfTheWrongShape_StartsOverLikeAnyUnreadableCheckpoint(string json)
    {
        var read = ExecutionCheckpoint.Read(json);

        read.Stage.ShouldBe(CheckpointStage.Prepared);
        read.Baseline.ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"baseline":{"baseCommit":"abc","commands":null}}""")]
    [InlineData("""{"baseline":{"baseCommit":null,"commands":[{"command":"node --test","exitCode":0}]}}""")]
    [InlineData("""{"baseline":{"baseCommit":"abc","commands":[{"command":null,"exitCode":0}]}}""")]
    [InlineData("""{"baseline":{"baseCommit":"abc","commands":[{"command":"node --test","exitCode":0},{"command":"npm test","exitCode":0}]}}""")]
    [InlineData("""{"baseline":{"baseCommit":"def","commands":[{"command":"node --test","exitCode":0}]}}""")]
    public void For_MissingOrOtherCommitOrCommands_IsNotReused(string json) =>
        ExecutionCheckpoint.Read(json).Baseline.ShouldNotBeNull().For("abc", ["node --test"]).ShouldBeNull();

    [Fact]
    public void For_StoredCommandWithoutFailingTests_ReadsAsNoneFailing() =>
        ExecutionCheckpoint.Read("""{"baseline":{"baseCommit":"abc","commands":[{"command":"node --test","exitCode":3,"failingTests":null}]}}""")
            .Baseline.ShouldNotBeNull().For("abc", ["node --test"]).ShouldNotBeNull().ShouldHaveSingleItem().FailingTests.ShouldBeEmpty();

    [Fact]
    public void Read_BaselineWithManyFailingTests_KeepsEveryOne()
    {
        var tests = Enumerable.Range(0, 20_000).Select(i => $"test {i} " + new string('x', 100)).ToArray();
        var written = new ExecutionCheckpoint { Baseline = new BaselineCheckpoint("abc", [new BaselineCommand("node --test", 1, false, tests)]) };

        var checks = ExecutionCheckpoint.Read(written.ToJson()).Baseline!.For("abc", ["node --test"]).ShouldNotBeNull();

        checks[0].FailingTests.Count.ShouldBe(20_000);
    }
}

using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;
using Nightshift.Server.Dashboard;

namespace Nightshift.Server.Tests.Dashboard;

/// <summary>The dashboard's timeline reads the events the payload records write.</summary>
public sealed class TimelineTests
{
    private static readonly DateTimeOffset When = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Build_ModelResponseRecord_SummarisesTokensCostAndTools()
    {
        var items = Timeline.Build(
            [Event(1, EventTypes.ModelResponse, new ModelResponsePayload("build", 2, "openai", "gpt", 1200, 300, 0, 0.5m, true, 2, 1500, "done"))],
            fold: true);

        var item = items.ShouldHaveSingleItem();
        item.Summary.ShouldNotBeNull();
        item.Summary.ShouldContain("openai/gpt");
        item.Summary.ShouldContain("2 tool calls");
        item.Details.ShouldBe("done");
    }

    [Fact]
    public void Build_ToolCallAndResultRecords_FoldTheResultIntoTheCall()
    {
        var items = Timeline.Build(
        [
            Event(1, EventTypes.ToolCall, new ToolCallPayload("c1", "read_file", """{"path":"a.cs"}""")),
            Event(2, EventTypes.ToolResult, new ToolResultPayload("c1", "read_file", true, 4, "no such file")),
        ], fold: true);

        var call = items.ShouldHaveSingleItem();
        call.Summary.ShouldBe("read_file");
        call.Result.ShouldBe("no such file");
        call.IsError.ShouldBeTrue();
    }

    [Fact]
    public void Build_CommandOutputRecords_JoinLinesOfOneCommand()
    {
        var items = Timeline.Build(
        [
            Event(1, EventTypes.CommandOutput, new CommandOutputPayload("verify", "make test", ["a"])),
            Event(2, EventTypes.CommandOutput, new CommandOutputPayload("verify", "make test", ["b", "c"])),
        ], fold: true);

        items.ShouldHaveSingleItem().Lines.ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public void Build_CommitCreatedRecordShape_ShowsTheCommitAndSubtask()
    {
        var data = """{"commit":"0123456789abcdef","branch":"ns/t","files":["a.cs"],"subtask":"s1"}""";

        var item = Timeline.Build([new TaskEvent("t", 1, When, EventTypes.CommitCreated, data)], fold: true).ShouldHaveSingleItem();

        item.Summary.ShouldBe("0123456789ab on ns/t for s1 (1 file)");
    }

    [Fact]
    public void Build_TaskFinishedRecord_ShowsTheReason()
    {
        var item = Timeline.Build([Event(1, EventTypes.TaskFailed, new TaskFinishedPayload(Reason: "no change was made", Attempt: 1))], fold: true)
            .ShouldHaveSingleItem();

        item.Summary.ShouldBe("no change was made");
        item.Kind.ShouldBe("bad");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"commit":12,"branch":{"x":1}}""")]
    [InlineData("{}")]
    public void Build_MalformedData_StillGivesAnEntry(string data)
    {
        var item = Timeline.Build([new TaskEvent("t", 1, When, EventTypes.CommitCreated, data)], fold: true).ShouldHaveSingleItem();

        item.Type.ShouldBe(EventTypes.CommitCreated);
    }

    [Fact]
    public void Build_CheckpointRecord_IsBookkeepingWithALineAndItsJsonFolded()
    {
        var item = Timeline.Build([Event(1, EventTypes.TaskCheckpoint, new TaskCheckpointPayload(2048))], fold: true).ShouldHaveSingleItem();

        item.Bookkeeping.ShouldBeTrue();
        item.Summary.ShouldBe(EventSummary.Describe(EventTypes.TaskCheckpoint, System.Text.Json.JsonDocument.Parse("""{"bytes":2048}""").RootElement));
        item.Summary!.ShouldContain("checkpoint");
        item.DetailsLabel.ShouldBe("data");
        item.Details!.ShouldContain("\"bytes\": 2048");
    }

    [Theory]
    [InlineData(EventTypes.VerifyFailed)]
    [InlineData(EventTypes.SubtaskStarted)]
    [InlineData(EventTypes.PrOpened)]
    [InlineData(EventTypes.ToolCall)]
    [InlineData(EventTypes.ModelResponse)]
    public void Build_EventsForPeople_AreNotBookkeeping(string type)
    {
        var item = Timeline.Build([new TaskEvent("t", 1, When, type, "{}")], fold: true).ShouldHaveSingleItem();

        item.Bookkeeping.ShouldBeFalse();
    }

    [Fact]
    public void Build_VerdictRecord_ReadsAsOneLineWithTheJsonUnderIt()
    {
        var item = Timeline.Build(
            [Event(1, EventTypes.VerifyFailed, new VerifyVerdictPayload(2, "1 failed, 3 passed", ["t_new"], [], [], false))],
            fold: true).ShouldHaveSingleItem();

        item.Summary.ShouldNotBeNullOrWhiteSpace();
        item.Summary.ShouldNotContain("\n");
        item.Summary.ShouldNotContain("{");
        item.Kind.ShouldBe("bad");
        item.Details!.ShouldContain("\"newFailures\"");
    }

    [Fact]
    public void Build_ModelResponseWithUnknownPrice_SaysCostUnknown()
    {
        var item = Timeline.Build(
            [Event(1, EventTypes.ModelResponse, new ModelResponsePayload("build", 1, "local", "llama", 10, 5, 0, 0m, false, 0, 10, null))],
            fold: true).ShouldHaveSingleItem();

        item.Summary.ShouldNotBeNull();
        item.Summary.ShouldContain("cost unknown");
        item.Summary.ShouldNotContain("$");
    }

    private static TaskEvent Event<T>(long seq, string type, T payload) => new("t", seq, When, type, NightshiftJson.Payload(payload));
}

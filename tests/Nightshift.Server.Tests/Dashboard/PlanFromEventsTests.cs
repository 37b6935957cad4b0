using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Server.Dashboard;

namespace Nightshift.Server.Tests.Dashboard;

public sealed class PlanFromEventsTests
{
    private static readonly DateTimeOffset When = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Latest_PlanReadyRecords_GivesTheNewestPlanInItsStoredForm()
    {
        var older = Ready(new PlanReadySubtask("old", "Old", "o", [], 0, [], [], null));
        var newer = Ready(
            new PlanReadySubtask("a", "A", "do a", [], 1, ["a.cs"], ["works"], "f1"),
            new PlanReadySubtask("b", "B", "do b", ["a"], 0, [], [], "f2"));

        var json = PlanFromEvents.Latest([Event(1, older), Event(2, newer)]);

        var parsed = PlanParser.Parse(json);
        parsed.Plan.ShouldNotBeNull();
        parsed.Plan.Subtasks.Select(s => s.Id).ShouldBe(["a", "b"]);
        parsed.Plan.Subtasks[1].DependsOn.ShouldBe(["a"]);
        parsed.Plan.Subtasks[0].Files.ShouldBe(["a.cs"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"subtasks":"many"}""")]
    [InlineData("""{"subtasks":[]}""")]
    [InlineData("""{"subtasks":[null]}""")]
    [InlineData("""{"subtasks":[{"title":"no id"}]}""")]
    [InlineData("{}")]
    public void Latest_UnreadablePlanReady_IsSkippedForAnOlderReadableOne(string data)
    {
        var readable = Ready(new PlanReadySubtask("a", "A", "do a", [], 0, [], [], null));

        var json = PlanFromEvents.Latest([Event(1, readable), new TaskEvent("t", 2, When, EventTypes.PlanReady, data)]);

        PlanParser.Parse(json).Plan.ShouldNotBeNull().Subtasks.ShouldHaveSingleItem().Id.ShouldBe("a");
    }

    [Fact]
    public void Latest_NoPlanReady_IsNull()
    {
        PlanFromEvents.Latest([new TaskEvent("t", 1, When, EventTypes.TaskQueued, "{}")]).ShouldBeNull();
    }

    private static PlanReadyPayload Ready(params PlanReadySubtask[] subtasks) =>
        new("planned", subtasks, [], [[.. subtasks.Select(s => s.Id)]], false);

    private static TaskEvent Event(long seq, PlanReadyPayload payload) => new("t", seq, When, EventTypes.PlanReady, NightshiftJson.Payload(payload));
}

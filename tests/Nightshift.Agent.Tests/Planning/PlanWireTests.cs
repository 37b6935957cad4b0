using Nightshift.Agent.Planning;
using Nightshift.Core.Planning;

namespace Nightshift.Agent.Tests.Planning;

public sealed class PlanWireTests
{
    [Fact]
    public void ToJson_ParsedBack_GivesTheSamePlan()
    {
        var plan = new Plan(
        [
            new Subtask("a", "Step a", "Do a.", [], 2, ["src/a.js"], ["a works"]),
            new Subtask("b", "Step b", "Do b.", ["a"], 0, [], []),
        ]);

        var parsed = PlanParser.Parse(PlanWire.ToJson(plan));

        parsed.IsValid.ShouldBeTrue(parsed.ErrorReport());
        PlanWire.ToJson(parsed.Plan!).ShouldBe(PlanWire.ToJson(plan));
        parsed.Plan!.Subtasks[1].DependsOn.ShouldBe(["a"]);
        parsed.Plan.Subtasks[0].Files.ShouldBe(["src/a.js"]);
    }

    [Theory]
    [InlineData("Fix it", "Fix the bug")]
    [InlineData("", "")]
    [InlineData("tab\there\u202E", "bidi \u202E and nul \0 and bell \a in the text\nsecond line")]
    public void Single_AnyTitleAndInstruction_IsAValidPlanOfOneSubtask(string title, string instruction)
    {
        var plan = PlanWire.Single(title, instruction);

        var parsed = PlanParser.Parse(PlanWire.ToJson(plan));
        parsed.IsValid.ShouldBeTrue(parsed.ErrorReport());
        parsed.Plan!.Subtasks.ShouldHaveSingleItem().Id.ShouldBe("task");
    }

    [Fact]
    public void Single_OversizedInstruction_IsClippedToTheLimit()
    {
        var plan = PlanWire.Single(new string('t', 5_000), new string('x', 100_000));

        plan.Subtasks[0].Description.Length.ShouldBe(PlanLimits.MaxDescriptionLength);
        plan.Subtasks[0].Title.Length.ShouldBe(PlanLimits.MaxTitleLength);
        PlanParser.Parse(PlanWire.ToJson(plan)).IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("""{"subtasks":"a string"}""")]
    [InlineData("""{"other":[]}""")]
    public void PartialSubtasks_NothingReadable_IsEmpty(string json) => PlanWire.PartialSubtasks(json).ShouldBeEmpty();

    [Fact]
    public void PartialSubtasks_MixedItems_ShowsTheObjectsClipped()
    {
        var json = $$"""{"subtasks":[1,"x",{"id":"a","title":"{{new string('t', 1_000)}}","depends_on":["b",3],"priority":"high"},{"id":7}]}""";

        var partial = PlanWire.PartialSubtasks(json);

        partial.Count.ShouldBe(2);
        partial[0]["id"]!.GetValue<string>().ShouldBe("a");
        partial[0]["title"]!.GetValue<string>().Length.ShouldBe(PlanLimits.MaxTitleLength);
        partial[0]["dependsOn"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["b"]);
        partial[0]["priority"]!.GetValue<int>().ShouldBe(0);
        partial[1]["id"].ShouldBeNull();
    }

    [Fact]
    public void PartialSubtasks_FarTooManySubtasks_ShowsOnlyAsManyAsAPlanMayHave()
    {
        var json = "{\"subtasks\":[" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"{{\"id\":\"s{i}\"}}")) + "]}";

        PlanWire.PartialSubtasks(json).Count.ShouldBe(PlanLimits.MaxSubtasks);
    }

    [Fact]
    public void ReadyPayload_Diamond_HasEdgesAndWaves()
    {
        var plan = new Plan(
        [
            new Subtask("a", "A", "a", [], 0, [], []),
            new Subtask("b", "B", "b", ["a"], 0, [], []),
            new Subtask("c", "C", "c", ["a"], 1, [], []),
            new Subtask("d", "D", "d", ["b", "c"], 0, [], []),
        ]);

        using var payload = System.Text.Json.JsonDocument.Parse(PlanWire.ReadyPayload(plan, "planned", PlanFingerprints.Compute(plan)));

        var root = payload.RootElement;
        root.GetProperty("edges").GetArrayLength().ShouldBe(4);
        root.GetProperty("waves").EnumerateArray().Select(w => string.Join(",", w.EnumerateArray().Select(i => i.GetString()))).ShouldBe(["a", "c,b", "d"]);
        root.GetProperty("subtasks")[0].GetProperty("fingerprint").GetString()!.Length.ShouldBe(32);
        root.GetProperty("approved").GetBoolean().ShouldBeFalse();
    }
}

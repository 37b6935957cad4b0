using System.Text.Json;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Core.Tests.Serialization;

public sealed class NightshiftJsonTests
{
    [Fact]
    public void TaskRecord_RoundTrips_WithWireNamesForEnums()
    {
        var task = new TaskRecord
        {
            Id = "01jd0000000000000000000000",
            Repo = "https://github.com/acme/app",
            Instruction = "do it",
            Title = "do it",
            Status = TaskState.NeedsReview,
            Phase = TaskPhase.Verifying,
            Usage = UsageTotals.Zero.Add(new UsageRecord("openai", "gpt-4.1", 1, 2, 0, 0.25m)),
        };

        var json = JsonSerializer.Serialize(task, NightshiftJson.Options);
        var back = JsonSerializer.Deserialize<TaskRecord>(json, NightshiftJson.Options)!;

        json.ShouldContain("\"status\":\"needs_review\"");
        json.ShouldContain("\"phase\":\"verifying\"");
        json.ShouldContain("\"shortId\":\"00000000\"");
        back.ShouldBe(task);
    }

    [Theory]
    [InlineData("{}", true)]
    [InlineData("{\"a\":[1,2]}", true)]
    [InlineData("[]", false)]
    [InlineData("42", false)]
    [InlineData("{", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsObject_OnlyAcceptsASingleObject(string? json, bool expected)
    {
        NightshiftJson.IsObject(json).ShouldBe(expected);
    }

    [Fact]
    public void IsObject_DeeplyNestedInput_IsRefusedNotCrashed()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        NightshiftJson.IsObject("{\"a\":" + deep + "}").ShouldBeFalse();
    }
}

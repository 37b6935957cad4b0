using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Server.Outbound;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound;

public sealed class PayloadRendererTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 9, 30, 0, TimeSpan.FromHours(2));

    private static TaskRecord Task(string instruction = "Fix the login bug\nIt fails on Tuesdays") => new()
    {
        Id = "01J0TASKID",
        Repo = "https://git.example.com/team/app",
        Instruction = instruction,
        Title = "ignored",
        Status = TaskState.Succeeded,
        Branch = "nightshift/fix-login",
        PullRequest = "https://git.example.com/team/app/pull/7",
    };

    [Fact]
    public void Render_TaskAndEvent_HasTheDocumentedShapeInCamelCase()
    {
        var json = PayloadRenderer.Render(Task(), new TaskEvent("01J0TASKID", 12, At, "task.succeeded", """{"summary":"done","n":[1,2]}"""), "https://nightshift.example.com/");

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("type").GetString().ShouldBe("task.succeeded");
        root.GetProperty("timestamp").GetDateTimeOffset().ShouldBe(At);
        var task = root.GetProperty("data").GetProperty("task");
        task.GetProperty("id").GetString().ShouldBe("01J0TASKID");
        task.GetProperty("repo").GetString().ShouldBe("https://git.example.com/team/app");
        task.GetProperty("status").GetString().ShouldBe("succeeded");
        task.GetProperty("title").GetString().ShouldBe("Fix the login bug");
        task.GetProperty("branch").GetString().ShouldBe("nightshift/fix-login");
        task.GetProperty("pullRequestUrl").GetString().ShouldBe("https://git.example.com/team/app/pull/7");
        task.GetProperty("url").GetString().ShouldBe("https://nightshift.example.com/tasks/01J0TASKID");
        var ev = root.GetProperty("data").GetProperty("event");
        ev.GetProperty("seq").GetInt64().ShouldBe(12);
        ev.GetProperty("type").GetString().ShouldBe("task.succeeded");
        ev.GetProperty("taskId").GetString().ShouldBe("01J0TASKID");
        ev.GetProperty("data").GetProperty("summary").GetString().ShouldBe("done");
        ev.GetProperty("data").GetProperty("n").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public void Render_NoPublicAddress_LeavesTheUrlNull()
    {
        using var doc = JsonDocument.Parse(PayloadRenderer.Render(Task(), new TaskEvent("01J0TASKID", 1, At, "task.queued", "{}"), null));

        doc.RootElement.GetProperty("data").GetProperty("task").GetProperty("url").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public void Render_MalformedEventData_GivesAnEmptyObject()
    {
        using var doc = JsonDocument.Parse(PayloadRenderer.Render(Task(), new TaskEvent("01J0TASKID", 1, At, "task.queued", "{not json"), null));

        doc.RootElement.GetProperty("data").GetProperty("event").GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Object);
    }

    [Fact]
    public void Render_OversizedEventData_IsReplacedToStayUnderTheLimit()
    {
        var big = JsonSerializer.Serialize(new { output = new string('x', TaskEvent.MaxDataBytes) });

        var json = PayloadRenderer.Render(Task(), new TaskEvent("01J0TASKID", 1, At, "command.output", big), null);

        json.Length.ShouldBeLessThanOrEqualTo(OutboundDelivery.MaxPayloadLength);
        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("data").GetProperty("event").GetProperty("data").GetProperty("truncated").GetBoolean().ShouldBeTrue();
    }

    [Theory]
    [InlineData("Short", "Short")]
    [InlineData("\n\n   Second line first  \nthird", "Second line first")]
    [InlineData("", "")]
    [InlineData("tab\there\u0007bell", "tab here bell")]
    public void Title_Instruction_IsItsFirstNonBlankLine(string instruction, string expected) =>
        PayloadRenderer.Title(instruction).ShouldBe(expected);

    [Fact]
    public void Title_LongLine_IsClippedTo120Characters()
    {
        var title = PayloadRenderer.Title(new string('a', 500));

        title.Length.ShouldBe(PayloadRenderer.MaxTitleLength);
        title.ShouldEndWith("…");
    }
}

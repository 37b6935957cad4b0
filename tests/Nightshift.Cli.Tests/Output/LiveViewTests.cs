using System.Text.Json;
using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Cli.Tests.Api;
using Spectre.Console;

namespace Nightshift.Cli.Tests.Output;

public sealed class LiveViewTests
{
    private const string Id = "01jcq5v1x0aaaaaaaa11111111";

    private static ApiEvent Event(long seq, string type, string data, int second) =>
        new(seq, type, new DateTimeOffset(2026, 11, 22, 10, 0, second, TimeSpan.Zero), "t", JsonDocument.Parse(data).RootElement.Clone());

    private static string Render(LiveState state, int width = 80)
    {
        var console = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(console) });
        ansi.Profile.Width = width;
        ansi.Write(LiveView.Render(state, new DateTimeOffset(2026, 11, 22, 10, 5, 0, TimeSpan.Zero)));
        return console.ToString();
    }

    [Fact]
    public void Render_FinishedTask_ShowsTokensCostAndElapsedButNoPhase()
    {
        var state = new LiveState(SampleTasks.Task(Id), TimeZoneInfo.Utc);
        state.Apply(Event(1, "task.started", "{}", 0));
        state.Apply(Event(2, "task.phase", """{"phase":"publishing"}""", 1));
        state.Apply(Event(3, "model.response", """{"inputTokens":1200,"outputTokens":300,"costUsd":0.0125}""", 2));
        state.Apply(Event(4, "model.response", """{"inputTokens":800,"outputTokens":100}""", 3));
        state.Apply(Event(5, "task.succeeded", "{}", 42));

        var text = Render(state);

        text.ShouldContain("succeeded");
        text.ShouldNotContain("phase publishing");
        text.ShouldContain("2,000 in / 400 out");
        // One call had no price: the cost is unknown, with the priced part as a lower bound.
        text.ShouldContain("cost unknown (at least $0.0125)");
        text.ShouldContain("42s");
        text.ShouldContain("task.phase");
    }

    [Fact]
    public void Render_RunningTask_ShowsItsPhaseAndAKnownCost()
    {
        var state = new LiveState(SampleTasks.Task(Id), TimeZoneInfo.Utc);
        state.Apply(Event(1, "task.started", "{}", 0));
        state.Apply(Event(2, "task.phase", """{"phase":"building"}""", 1));
        state.Apply(Event(3, "model.response", """{"inputTokens":1200,"outputTokens":300,"costUsd":0.0125}""", 2));

        var text = Render(state);

        text.ShouldContain("running  phase building");
        text.ShouldContain("cost $0.0125");
    }

    [Fact]
    public void Render_NoModelCallYet_CostsNothing()
    {
        var text = Render(new LiveState(SampleTasks.Task(Id), TimeZoneInfo.Utc));

        text.ShouldContain("cost $0.00");
        text.ShouldContain("(waiting for events)");
    }

    [Fact]
    public void Render_At80Columns_NoLineIsWider()
    {
        var task = SampleTasks.Task(Id) with { Title = new string('t', 300) };
        var state = new LiveState(task, TimeZoneInfo.Utc);
        state.Apply(Event(1, "task.started", "{}", 0));
        state.Apply(Event(2, "command.output", $$"""{"command":"make","lines":["{{new string('x', 500)}}"]}""", 1));
        state.Apply(Event(3, "model.response", """{"inputTokens":1200,"outputTokens":300,"costUsd":0.0125,"costKnown":true}""", 2));

        var rendered = Render(state, 80);
        TerminalArtifacts.Save("live-view-80", rendered);
        var lines = rendered.Split('\n');

        lines.ShouldAllBe(l => l.TrimEnd('\r').Length <= 80);
        string.Join('\n', lines).ShouldContain("command.output");
    }

    [Fact]
    public void Apply_BookkeepingEvents_AreLeftOutOfTheRecentLines()
    {
        var state = new LiveState(SampleTasks.Task(Id), TimeZoneInfo.Utc);
        state.Apply(Event(1, "task.started", "{}", 0));
        state.Apply(Event(2, "task.checkpoint", """{"bytes":100}""", 1));
        state.Apply(Event(3, "model.request", """{"role":"build","step":1}""", 2));
        state.Apply(Event(4, "tool.call", """{"tool":"read_file","arguments":"{}"}""", 3));

        state.Recent.Count.ShouldBe(2);
        state.Recent.ShouldNotContain(l => l.Contains("task.checkpoint", StringComparison.Ordinal) || l.Contains("model.request", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_AllEvents_KeepsBookkeepingEvents()
    {
        var state = new LiveState(SampleTasks.Task(Id), TimeZoneInfo.Utc, allEvents: true);
        state.Apply(Event(1, "task.checkpoint", """{"bytes":100}""", 1));

        state.Recent.ShouldHaveSingleItem().ShouldContain("checkpoint saved (100 bytes)");
    }

    [Theory]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"costUsd":-3}""")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"costUsd":1e400}""")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"costUsd":"0.5"}""")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"costUsd":99999999999}""")]
    public void Apply_CostTheServerCannotMean_CountsAsUnknown(string data)
    {
        var state = new LiveState(SampleTasks.Task(Id), TimeZoneInfo.Utc);
        state.Apply(Event(1, "model.response", """{"inputTokens":1,"outputTokens":1,"costUsd":0.5}""", 1));

        state.Apply(Event(2, "model.response", data, 2));

        state.Cost.ShouldBe("unknown (at least $0.50)");
    }
}

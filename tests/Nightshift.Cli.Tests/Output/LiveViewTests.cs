using System.Text.Json;
using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Cli.Tests.Api;
using Spectre.Console;

namespace Nightshift.Cli.Tests.Output;

public sealed class LiveViewTests
{
    private static ApiEvent Event(long seq, string type, string data, int second) =>
        new(seq, type, new DateTimeOffset(2026, 11, 22, 10, 0, second, TimeSpan.Zero), "t", JsonDocument.Parse(data).RootElement.Clone());

    [Fact]
    public void Render_AfterEvents_ShowsPhaseTokensCostAndElapsedUntilTheEnd()
    {
        var state = new LiveState(SampleTasks.Task("01jcq5v1x0aaaaaaaa11111111"), TimeZoneInfo.Utc);
        state.Apply(Event(1, "task.started", "{}", 0));
        state.Apply(Event(2, "task.phase", """{"phase":"building"}""", 1));
        state.Apply(Event(3, "model.response", """{"inputTokens":1200,"outputTokens":300,"costUsd":0.0125}""", 2));
        state.Apply(Event(4, "model.response", """{"inputTokens":800,"outputTokens":100}""", 3));
        state.Apply(Event(5, "task.succeeded", "{}", 42));

        var console = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(console) });
        ansi.Profile.Width = 120;
        ansi.Write(LiveView.Render(state, DateTimeOffset.UtcNow));
        var text = console.ToString();

        text.ShouldContain("succeeded");
        text.ShouldContain("phase building");
        text.ShouldContain("2,000 in / 400 out");
        // One call had no price: the cost is a lower bound and says so.
        text.ShouldContain("≥ $0.0125");
        text.ShouldContain("42s");
        text.ShouldContain("task.phase");
    }
}

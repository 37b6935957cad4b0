using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nightshift.Core.Telemetry;
using Nightshift.Sandbox.Internal;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

/// <summary>A sandboxed command's span and the kill counter: the program's name only, never its arguments.</summary>
public sealed class CommandTelemetryTests(Jail jail) : IClassFixture<Jail>
{
    [Theory]
    [InlineData(new[] { "/bin/bash", "-c", "npm test -- --token=sk-fake" }, "npm")]
    [InlineData(new[] { "/bin/bash", "-c", "GITHUB_TOKEN=ghp_fakefakefakefakefake1234 curl https://x.test" }, "curl")]
    [InlineData(new[] { "/bin/bash", "-c", "env A=1 B=2 /usr/bin/make -j4" }, "make")]
    [InlineData(new[] { "/bin/bash", "-c", "\"$(cat /secret)\" --x" }, "unknown")]
    [InlineData(new[] { "/bin/bash", "-c", "" }, "bash")]
    [InlineData(new[] { "/bin/bash", "-c", "A=1; B=2" }, "bash")]
    [InlineData(new[] { "/usr/bin/git", "push", "https://user:fake@x.test" }, "git")]
    [InlineData(new[] { "/" }, "unknown")]
    public void ProgramName_Command_IsTheProgramWithoutArgumentsOrValues(string[] argv, string expected)
    {
        CommandTelemetry.ProgramName(argv).ShouldBe(expected);
    }

    [Fact]
    public void ProgramName_NoArgv_IsUnknown()
    {
        CommandTelemetry.ProgramName([]).ShouldBe("unknown");
    }

    [Fact]
    public void ProgramName_OversizedName_IsClipped()
    {
        CommandTelemetry.ProgramName(["/bin/bash", "-c", new string('a', 10_000)]).Length.ShouldBe(64);
    }

    [Fact]
    public async Task RunAsync_CommandKilledAtTheWallClock_SpanCarriesExitAndLimit_AndTheKillIsCounted()
    {
        using var worktree = new TempFolder();
        var spans = new List<Activity>();
        var marker = "telemetry-" + Guid.NewGuid().ToString("N");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NightshiftTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        long kills = 0;
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == NightshiftTelemetry.MeterName && instrument.Name == "nightshift.sandbox.kills")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "limit" && tag.Value as string == "wall_clock")
                {
                    Interlocked.Add(ref kills, value);
                }
            }
        });
        meters.Start();
        using var parent = new Activity(marker).Start();

        var result = await jail.ShellAsync(worktree, "sleep 30 # " + marker, s => s with { Timeout = TimeSpan.FromMilliseconds(500) });

        result.LimitHit.ShouldBe(SandboxLimit.WallClock);
        Activity span;
        lock (spans)
        {
            span = spans.Single(s => s.ParentSpanId == parent.SpanId);
        }
        span.DisplayName.ShouldBe(NightshiftActivities.Command);
        span.GetTagItem(NightshiftActivities.ExecutableTag).ShouldBe("sleep");
        span.GetTagItem(NightshiftActivities.LimitTag).ShouldBe("wall_clock");
        span.GetTagItem(NightshiftActivities.TimedOutTag).ShouldBe(true);
        span.Status.ShouldBe(ActivityStatusCode.Error);
        span.TagObjects.ShouldAllBe(t => !(t.Value is string && ((string)t.Value!).Contains(marker, StringComparison.Ordinal)));
        Interlocked.Read(ref kills).ShouldBeGreaterThanOrEqualTo(1);
    }
}

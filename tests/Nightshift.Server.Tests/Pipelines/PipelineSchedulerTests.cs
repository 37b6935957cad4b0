using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Pipelines;
using Nightshift.Server.Pipelines;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;
using Nightshift.TestKit.Time;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary>Schedules against a real store and a manual clock: due ticks, missed ticks, time zones, and a fleet on PostgreSQL.</summary>
public sealed class PipelineSchedulerTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private const string Yaml = """
        name: nightly
        repo: https://github.com/example/app
        schedule: { cron: "0 3 * * *", inputs: { package: left-pad } }
        inputs:
          package: { required: true }
        steps:
          update:
            run: ./update.sh {{ inputs.package }}
        """;

    private static readonly DateTimeOffset Day1At3 = new(2026, 3, 2, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task StartDueAsync_BeforeTheTick_StartsNothing()
    {
        using var data = new TempDirectory();
        var clock = new ManualClock(Day1At3.AddMinutes(-1));
        await using var store = await StoreFactory.OpenAsync(data.Path, null, clock, new StoreOptions());
        await RegisterAsync(store, Day1At3);

        (await Scheduler(store, clock).StartDueAsync(TestDefaults.TimeoutToken())).ShouldBe(0);
    }

    [Fact]
    public async Task StartDueAsync_AtTheTick_StartsOneRunWithTheScheduleInputsAndMovesToTheNextDay()
    {
        using var data = new TempDirectory();
        var clock = new ManualClock(Day1At3);
        await using var store = await StoreFactory.OpenAsync(data.Path, null, clock, new StoreOptions());
        var pipeline = await RegisterAsync(store, Day1At3);

        (await Scheduler(store, clock).StartDueAsync(TestDefaults.TimeoutToken())).ShouldBe(1);

        var run = (await store.ListRunsAsync(pipeline.OrgId, "nightly", null, 10)).ShouldHaveSingleItem();
        run.Trigger.ShouldBe("schedule");
        run.Inputs["package"].ShouldBe("left-pad");
        run.Repo.ShouldBe("https://github.com/example/app");
        run.Yaml.ShouldBe(Yaml);
        (await store.FindPipelineAsync(pipeline.OrgId, "nightly"))!.NextRunAt.ShouldBe(Day1At3.AddDays(1));
        (await Scheduler(store, clock).StartDueAsync(TestDefaults.TimeoutToken())).ShouldBe(0);
    }

    [Fact]
    public async Task StartDueAsync_ServerDownOverSeveralTicks_StartsOneRunAndTheNextTickIsInTheFuture()
    {
        using var data = new TempDirectory();
        var clock = new ManualClock(Day1At3.AddDays(3).AddHours(2));
        await using var store = await StoreFactory.OpenAsync(data.Path, null, clock, new StoreOptions());
        var pipeline = await RegisterAsync(store, Day1At3);

        (await Scheduler(store, clock).StartDueAsync(TestDefaults.TimeoutToken())).ShouldBe(1);
        (await Scheduler(store, clock).StartDueAsync(TestDefaults.TimeoutToken())).ShouldBe(0);

        (await store.ListRunsAsync(pipeline.OrgId, "nightly", null, 10)).Count.ShouldBe(1);
        (await store.FindPipelineAsync(pipeline.OrgId, "nightly"))!.NextRunAt.ShouldBe(Day1At3.AddDays(4));
    }

    [Fact]
    public async Task StartDueAsync_YamlNoLongerParses_PausesTheScheduleWithoutARun()
    {
        using var data = new TempDirectory();
        var clock = new ManualClock(Day1At3);
        await using var store = await StoreFactory.OpenAsync(data.Path, null, clock, new StoreOptions());
        var pipeline = await RegisterAsync(store, Day1At3, yaml: "name: nightly\nsteps: [oops\n");

        (await Scheduler(store, clock).StartDueAsync(TestDefaults.TimeoutToken())).ShouldBe(0);

        (await store.ListRunsAsync(pipeline.OrgId, "nightly", null, 10)).ShouldBeEmpty();
        (await store.FindPipelineAsync(pipeline.OrgId, "nightly"))!.NextRunAt.ShouldBeNull();
    }

    [Fact]
    public void NextAfter_TimeZone_ReadsTheCronInThatZoneAcrossDaylightSaving()
    {
        // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer (clocks went forward on 29 March 2026).
        PipelineSchedules.NextAfter("0 3 * * *", "Europe/Berlin", new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero))
            .ShouldBe(new DateTimeOffset(2026, 3, 28, 2, 0, 0, TimeSpan.Zero));
        PipelineSchedules.NextAfter("0 3 * * *", "Europe/Berlin", new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero))
            .ShouldBe(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void NextAfter_ExactlyAtATick_GivesTheFollowingOne()
    {
        PipelineSchedules.NextAfter("*/15 * * * *", null, new DateTimeOffset(2026, 1, 1, 10, 15, 0, TimeSpan.Zero))
            .ShouldBe(new DateTimeOffset(2026, 1, 1, 10, 30, 0, TimeSpan.Zero));
        PipelineSchedules.NextAfter("30 * * * * *", "UTC", new DateTimeOffset(2026, 1, 1, 10, 15, 0, TimeSpan.Zero))
            .ShouldBe(new DateTimeOffset(2026, 1, 1, 10, 15, 30, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("not a cron", "UTC", "is not a cron expression")]
    [InlineData("61 * * * *", "UTC", "is not a cron expression")]
    [InlineData("0 3 * * *", "Mars/Olympus_Mons", "is not known here")]
    [InlineData("0 3 * * *", "../../etc/passwd", "is not known here")]
    public void NextAfter_Malformed_SaysWhatIsWrongAndHowToWriteIt(string cron, string zone, string message)
    {
        Should.Throw<ArgumentException>(() => PipelineSchedules.NextAfter(cron, zone, Day1At3)).Message.ShouldContain(message);
    }

    [Fact]
    public void NextAfter_NeverAgain_IsNull()
    {
        PipelineSchedules.NextAfter("0 0 30 2 *", "UTC", Day1At3).ShouldBeNull();
    }

    [PostgresFact]
    public async Task StartDueAsync_TwoServersOnPostgresRacing_StartExactlyOneRunPerTick()
    {
        using var data = new TempDirectory();
        var database = await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken());
        var clock = new ManualClock(Day1At3);
        await using var first = await StoreFactory.OpenAsync(data.Path, database, clock, new StoreOptions());
        await using var second = await StoreFactory.OpenAsync(data.Path, database, clock, new StoreOptions());
        var pipeline = await RegisterAsync(first, Day1At3);

        for (var tick = 0; tick < 5; tick++)
        {
            clock.Set(Day1At3.AddDays(tick));
            var started = await Task.WhenAll(
                Task.Run(() => Scheduler(first, clock).StartDueAsync(TestDefaults.TimeoutToken())),
                Task.Run(() => Scheduler(second, clock).StartDueAsync(TestDefaults.TimeoutToken())));
            started.Sum().ShouldBe(1, $"tick {tick}");
        }

        (await first.ListRunsAsync(pipeline.OrgId, "nightly", null, 100)).Count.ShouldBe(5);
    }

    private static PipelineScheduler Scheduler(INightshiftStore store, TimeProvider clock) =>
        new(store, clock, NullLogger<PipelineScheduler>.Instance);

    private static async Task<PipelineRecord> RegisterAsync(INightshiftStore store, DateTimeOffset next, string yaml = Yaml)
    {
        var (record, _) = await store.SavePipelineAsync(new PipelineRecord
        {
            Id = "",
            Name = "nightly",
            Yaml = yaml,
            Schedule = "0 3 * * *",
            TimeZone = "UTC",
            NextRunAt = next,
        });
        return record;
    }
}

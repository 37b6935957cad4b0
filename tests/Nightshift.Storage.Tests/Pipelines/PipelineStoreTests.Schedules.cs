using Nightshift.Core.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    private async Task<PipelineRecord> ScheduledAsync(DateTimeOffset? next, string name = "nightly") =>
        (await Store.SavePipelineAsync(Pipeline(name, schedule: "0 3 * * *", next: next))).Record;

    private static NewRun Scheduled(PipelineRecord pipeline) =>
        Run(pipeline: pipeline.Name) with { PipelineId = pipeline.Id, Trigger = "schedule", CreatedBy = null };

    [StoreFact]
    public async Task DueSchedules_OnlyScheduledPipelinesDueNowOrNeverComputed()
    {
        var now = Clock.GetUtcNow();
        var due = await ScheduledAsync(now.AddMinutes(-1), "due");
        await ScheduledAsync(now.AddMinutes(1), "later");
        var fresh = await ScheduledAsync(null, "fresh");
        await Store.SavePipelineAsync(Pipeline("manual", next: now.AddDays(-1)));

        var found = await Store.DueSchedulesAsync(now);

        found.Select(p => p.Name).Order().ShouldBe(["due", "fresh"]);
        found.Single(p => p.Id == due.Id).NextRunAt.ShouldBe(now.AddMinutes(-1));
        found.Single(p => p.Id == fresh.Id).NextRunAt.ShouldBeNull();
    }

    [StoreFact]
    public async Task StartScheduledRun_TwoServersRacingForOneTick_StartExactlyOneRun()
    {
        var now = Clock.GetUtcNow();
        var pipeline = await ScheduledAsync(now);
        var servers = new[] { Store, await OpenAsync(), await OpenAsync() };

        var started = await Task.WhenAll(servers.SelectMany(s => new[] { s, s }).Select(server => Task.Run(() =>
            server.StartScheduledRunAsync(pipeline.Id, now, now.AddDays(1), Scheduled(pipeline), StepNames))));

        started.Count(r => r is not null).ShouldBe(1);
        var run = started.Single(r => r is not null)!;
        run.Trigger.ShouldBe("schedule");
        run.PipelineId.ShouldBe(pipeline.Id);
        (await Store.ListRunsAsync("default", null, null, 10)).Select(r => r.Id).ShouldBe([run.Id]);
        (await Store.ListStepsAsync(run.Id)).Select(s => s.Name).ShouldBe(StepNames);
        (await Store.FindPipelineAsync("default", "nightly"))!.NextRunAt.ShouldBe(now.AddDays(1));
        (await Store.DueSchedulesAsync(now)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task StartScheduledRun_StaleDueTimeOrUnknownPipeline_StartsNothing()
    {
        var now = Clock.GetUtcNow();
        var pipeline = await ScheduledAsync(now);

        (await Store.StartScheduledRunAsync(pipeline.Id, now.AddMinutes(-1), now.AddDays(1), Scheduled(pipeline), StepNames)).ShouldBeNull();
        (await Store.StartScheduledRunAsync("not-an-id", now, now.AddDays(1), Scheduled(pipeline), StepNames)).ShouldBeNull();
        (await Store.StartScheduledRunAsync(Core.Tasks.TaskId.New(Clock), now, now.AddDays(1), Scheduled(pipeline), StepNames)).ShouldBeNull();

        (await Store.ListRunsAsync("default", null, null, 10)).ShouldBeEmpty();
        (await Store.FindPipelineAsync("default", "nightly"))!.NextRunAt.ShouldBe(now);
    }

    [StoreFact]
    public async Task StartScheduledRun_MissedTicks_StartOneRunAndMoveToTheNextTime()
    {
        var missed = Clock.GetUtcNow();
        var pipeline = await ScheduledAsync(missed);
        Clock.Advance(TimeSpan.FromDays(3));
        var next = Clock.GetUtcNow().AddDays(1);

        var run = await Store.StartScheduledRunAsync(pipeline.Id, missed, next, Scheduled(pipeline), StepNames);

        run.ShouldNotBeNull();
        (await Store.DueSchedulesAsync(Clock.GetUtcNow())).ShouldBeEmpty();
        (await Store.FindPipelineAsync("default", "nightly"))!.NextRunAt.ShouldBe(next);
    }

    [StoreFact]
    public async Task SetNextRun_FromTheTimeSeen_MovesItAndOtherwiseLeavesIt()
    {
        var now = Clock.GetUtcNow();
        var pipeline = await ScheduledAsync(null);

        await Store.SetNextRunAsync(pipeline.Id, null, now.AddHours(2));
        (await Store.FindPipelineAsync("default", "nightly"))!.NextRunAt.ShouldBe(now.AddHours(2));

        await Store.SetNextRunAsync(pipeline.Id, null, now.AddHours(5));
        await Store.SetNextRunAsync(pipeline.Id, now.AddHours(1), now.AddHours(5));
        (await Store.FindPipelineAsync("default", "nightly"))!.NextRunAt.ShouldBe(now.AddHours(2));

        await Store.SetNextRunAsync(pipeline.Id, now.AddHours(2), null);
        (await Store.FindPipelineAsync("default", "nightly"))!.NextRunAt.ShouldBeNull();
        await Store.SetNextRunAsync("' OR 1=1 --", null, now);
    }
}

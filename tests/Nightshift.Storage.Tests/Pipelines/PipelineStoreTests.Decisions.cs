using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    /// <summary>A run whose "test" step waits for approval, released until far in the future (only a wake makes it due).</summary>
    private async Task<RunRecord> WaitingRunAsync(string org = "default")
    {
        var run = await CreateAsync(Run(org: org));
        var lease = await ClaimOneAsync();
        await Store.ApplyAsync(lease, new RunChange
        {
            State = RunState.AwaitingApproval,
            Steps = [new RunStepRecord { RunId = run.Id, Name = "test", State = StepState.AwaitingApproval }],
            Events = [("step.awaiting_approval", "{\"step\":\"test\"}")],
        });
        await Store.ReleaseRunAsync(lease, Clock.GetUtcNow().AddDays(1));
        return run;
    }

    [StoreFact]
    public async Task DecideStep_Approve_MakesTheStepPendingAppendsTheEventAndWakesTheRun()
    {
        var run = await WaitingRunAsync();
        (await Store.ClaimRunsAsync("server-a", LeaseTime, 10)).ShouldBeEmpty();

        var result = await Store.DecideStepAsync("default", run.Id, "test", approve: true, "grace", "ignored for an approval");

        result.ShouldBe(StepDecisionResult.Decided);
        var step = (await Store.ListStepsAsync(run.Id)).Single(s => s.Name == "test");
        step.State.ShouldBe(StepState.Pending);
        step.DecidedBy.ShouldBe("grace");
        step.DecidedAt.ShouldBe(Clock.GetUtcNow());
        var events = await Store.ReadRunEventsAsync(run.Id, 0, 10);
        events.Select(e => (e.Seq, e.Type)).ShouldBe([(1L, "step.awaiting_approval"), (2L, "step.approved")]);
        using var data = JsonDocument.Parse(events[1].DataJson);
        data.RootElement.GetProperty("step").GetString().ShouldBe("test");
        data.RootElement.GetProperty("by").GetString().ShouldBe("grace");
        data.RootElement.TryGetProperty("reason", out _).ShouldBeFalse();
        (await ClaimOneAsync()).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task DecideStep_Reject_SkipsTheStepWithWhoAndWhy()
    {
        var run = await WaitingRunAsync();

        var result = await Store.DecideStepAsync("default", run.Id, "test", approve: false, "grace", "  not on a Friday  ");

        result.ShouldBe(StepDecisionResult.Decided);
        var step = (await Store.ListStepsAsync(run.Id)).Single(s => s.Name == "test");
        step.State.ShouldBe(StepState.Skipped);
        step.Reason.ShouldBe("rejected by grace: not on a Friday");
        step.FinishedAt.ShouldBe(Clock.GetUtcNow());
        var last = (await Store.ReadRunEventsAsync(run.Id, 1, 10)).Single();
        last.Type.ShouldBe("step.rejected");
        last.DataJson.ShouldContain("not on a Friday");
    }

    [StoreFact]
    public async Task DecideStep_Twice_OnlyTheFirstCounts()
    {
        var run = await WaitingRunAsync();

        var first = await Store.DecideStepAsync("default", run.Id, "test", approve: true, "grace", null);
        var second = await Store.DecideStepAsync("default", run.Id, "test", approve: false, "mallory", "too late");

        first.ShouldBe(StepDecisionResult.Decided);
        second.ShouldBe(StepDecisionResult.NotWaiting);
        (await Store.ListStepsAsync(run.Id)).Single(s => s.Name == "test").DecidedBy.ShouldBe("grace");
        (await Store.ReadRunEventsAsync(run.Id, 0, 10)).Count.ShouldBe(2);
    }

    [StoreFact]
    public async Task DecideStep_ManyPeopleAtOnce_ExactlyOneDecides()
    {
        var run = await WaitingRunAsync();
        var stores = new[] { Store, await OpenAsync() };

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            stores[i % 2].DecideStepAsync("default", run.Id, "test", approve: i % 3 != 0, $"person-{i}", "why"))));

        results.Count(r => r == StepDecisionResult.Decided).ShouldBe(1);
        results.Count(r => r == StepDecisionResult.NotWaiting).ShouldBe(9);
        (await Store.ReadRunEventsAsync(run.Id, 0, 100)).Select(e => e.Seq).ShouldBe([1L, 2L]);
    }

    [StoreFact]
    public async Task DecideStep_StepNotWaitingOrMissingOrOtherOrganisation_IsRefused()
    {
        var run = await WaitingRunAsync("acme");

        (await Store.DecideStepAsync("acme", run.Id, "lint", true, "grace", null)).ShouldBe(StepDecisionResult.NotWaiting);
        (await Store.DecideStepAsync("acme", run.Id, "nope", true, "grace", null)).ShouldBe(StepDecisionResult.NotFound);
        (await Store.DecideStepAsync("other", run.Id, "test", true, "grace", null)).ShouldBe(StepDecisionResult.NotFound);
        (await Store.DecideStepAsync("acme", "not-a-run", "test", true, "grace", null)).ShouldBe(StepDecisionResult.NotFound);
        (await Store.DecideStepAsync("acme", run.Id, "test\0", true, "grace", null)).ShouldBe(StepDecisionResult.NotFound);
        (await Store.DecideStepAsync("acme", run.Id, new string('t', 10_000), true, "grace", null)).ShouldBe(StepDecisionResult.NotFound);
        (await Should.ThrowAsync<ValidationException>(() => Store.DecideStepAsync("acme", run.Id, "test", true, " ", null))).Errors.Keys.ShouldContain("by");
        (await Store.ListStepsAsync(run.Id)).Single(s => s.Name == "test").State.ShouldBe(StepState.AwaitingApproval);
    }

    [StoreFact]
    public async Task DecideStep_HugeReason_IsClipped()
    {
        var run = await WaitingRunAsync();

        await Store.DecideStepAsync("default", run.Id, "test", approve: false, "grace", new string('n', 50_000));

        (await Store.ListStepsAsync(run.Id)).Single(s => s.Name == "test").Reason!.Length.ShouldBe(2_000);
        (await Store.ReadRunEventsAsync(run.Id, 1, 10)).Single().DataJson.Length.ShouldBeLessThan(2_200);
    }
}

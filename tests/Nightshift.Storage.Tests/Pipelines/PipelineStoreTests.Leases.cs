using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    [StoreFact]
    public async Task ClaimRuns_QueuedRun_IsLeasedToOneCoordinatorUntilTheLeaseRunsOut()
    {
        var run = await CreateAsync();

        var lease = await ClaimOneAsync(owner: "server-a");
        (await Store.ClaimRunsAsync("server-b", LeaseTime, 10)).ShouldBeEmpty();
        Clock.Advance(LeaseTime - TimeSpan.FromMilliseconds(1));
        (await Store.ClaimRunsAsync("server-b", LeaseTime, 10)).ShouldBeEmpty();
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var taken = await ClaimOneAsync(owner: "server-b");

        lease.RunId.ShouldBe(run.Id);
        lease.Owner.ShouldBe("server-a");
        lease.Run.LeaseOwner.ShouldBe("server-a");
        lease.Token.Length.ShouldBeGreaterThanOrEqualTo(32);
        taken.Token.ShouldNotBe(lease.Token);
        (await Store.FindRunAsync("default", run.Id))!.LeaseOwner.ShouldBe("server-b");
    }

    [StoreFact]
    public async Task ClaimRuns_FinishedRunsAndTheMax_AreRespected()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync();
        }
        var two = await Store.ClaimRunsAsync("server-a", LeaseTime, 2);
        two.Count.ShouldBe(2);
        await Store.ApplyAsync(two[0], new RunChange { State = RunState.Succeeded, FinishedAt = Clock.GetUtcNow() });
        await Store.ReleaseRunAsync(two[0], Clock.GetUtcNow());
        await Store.ReleaseRunAsync(two[1], Clock.GetUtcNow());

        var rest = await Store.ClaimRunsAsync("server-a", LeaseTime, 10);

        rest.Count.ShouldBe(2);
        rest.Select(l => l.RunId).ShouldNotContain(two[0].RunId);
    }

    [StoreFact]
    public async Task ClaimRuns_BadArguments_AreRefusedNamingTheSetting()
    {
        (await Should.ThrowAsync<ValidationException>(() => Store.ClaimRunsAsync("", LeaseTime, 1))).Errors.Keys.ShouldContain("owner");
        (await Should.ThrowAsync<ValidationException>(() => Store.ClaimRunsAsync("a", TimeSpan.Zero, 1))).Message.ShouldContain("Pipelines:LeaseDuration");
        (await Should.ThrowAsync<ValidationException>(() => Store.ClaimRunsAsync("a", LeaseTime, 0))).Message.ShouldContain("Pipelines:MaxRunsPerClaim");
    }

    [StoreFact]
    public async Task ClaimRuns_TwoCoordinatorsRacing_NeverHoldOneRunTwice()
    {
        const int Runs = 30;
        for (var i = 0; i < Runs; i++)
        {
            await CreateAsync();
        }
        var second = await OpenAsync();
        var claimers = new[] { ((IPipelineStore)Store, "a1"), (Store, "a2"), (second, "b1"), (second, "b2") };

        var claimed = await Task.WhenAll(claimers.Select(c => Task.Run(() => ClaimAllAsync(c.Item1, c.Item2))));

        var all = claimed.SelectMany(c => c).ToList();
        all.Count.ShouldBe(Runs);
        all.Select(l => l.RunId).Distinct().Count().ShouldBe(Runs);
        foreach (var lease in all)
        {
            (await Store.FindRunAsync("default", lease.RunId))!.LeaseOwner.ShouldBe(lease.Owner);
        }
    }

    private static async Task<List<RunLease>> ClaimAllAsync(IPipelineStore store, string owner)
    {
        var mine = new List<RunLease>();
        while (await store.ClaimRunsAsync(owner, LeaseTime, 3) is { Count: > 0 } batch)
        {
            mine.AddRange(batch);
        }
        return mine;
    }

    [StoreFact]
    public async Task ApplyAsync_HeldLease_WritesTheRunStepsAndEventsInOneGo()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        var now = Clock.GetUtcNow();
        var taskId = Core.Tasks.TaskId.New(Clock);

        var stored = await Store.ApplyAsync(lease, new RunChange
        {
            State = RunState.Running,
            StartedAt = now,
            Reason = "r",
            Yaml = Yaml + "# snapshot\n",
            Steps =
            [
                new RunStepRecord { RunId = run.Id, Name = "lint", State = StepState.Running, TaskId = taskId, StartedAt = now },
                new RunStepRecord { RunId = run.Id, Name = "pull-request", State = StepState.Pending },
            ],
            Events = [("run.started", "{}"), ("step.started", "{\"step\":\"lint\"}")],
        });

        stored.Select(e => (e.Seq, e.Type)).ShouldBe([(1L, "run.started"), (2L, "step.started")]);
        var after = (await Store.FindRunAsync("default", run.Id))!;
        after.State.ShouldBe(RunState.Running);
        after.StartedAt.ShouldBe(now);
        after.Reason.ShouldBe("r");
        after.Yaml.ShouldEndWith("# snapshot\n");
        after.Repo.ShouldBe(run.Repo);
        var steps = await Store.ListStepsAsync(run.Id);
        steps.Select(s => (s.Name, s.State)).ShouldBe([("lint", StepState.Running), ("fix", StepState.Pending), ("test", StepState.Pending), ("pull-request", StepState.Pending)]);
        steps[0].TaskId.ShouldBe(taskId);
        (await Store.ReadRunEventsAsync(run.Id, 0, 100)).ShouldBe(stored);

        await Store.ApplyAsync(lease, new RunChange
        {
            Steps = [steps[0] with { State = StepState.Succeeded, Output = "{\"error_count\":3}", FinishedAt = now }],
            Events = [("step.succeeded", "{\"step\":\"lint\"}")],
        });
        var lint = (await Store.ListStepsAsync(run.Id))[0];
        lint.State.ShouldBe(StepState.Succeeded);
        lint.Output.ShouldBe("{\"error_count\":3}");
        lint.TaskId.ShouldBe(taskId);
        (await Store.ReadRunEventsAsync(run.Id, 2, 100)).Select(e => e.Seq).ShouldBe([3L]);
        (await Store.ReadRunEventsAsync(run.Id, 0, 2)).Select(e => e.Seq).ShouldBe([1L, 2L]);
    }

    [StoreFact]
    public async Task ApplyAsync_ExpiredLease_ThrowsAndWritesNothing()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        Clock.Advance(LeaseTime);

        var lost = await Should.ThrowAsync<LeaseLostException>(() => Store.ApplyAsync(lease, new RunChange
        {
            State = RunState.Failed,
            Steps = [new RunStepRecord { RunId = run.Id, Name = "lint", State = StepState.Failed }],
            Events = [("run.failed", "{}")],
        }));

        lost.Message.ShouldContain("expired");
        (await Store.FindRunAsync("default", run.Id))!.State.ShouldBe(RunState.Queued);
        (await Store.ListStepsAsync(run.Id)).ShouldAllBe(s => s.State == StepState.Pending);
        (await Store.ReadRunEventsAsync(run.Id, 0, 10)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task ApplyAsync_LeaseTakenByAnotherCoordinator_ThrowsAndOnlyTheNewHolderWrites()
    {
        var run = await CreateAsync();
        var old = await ClaimOneAsync(owner: "server-a");
        Clock.Advance(LeaseTime);
        var current = await ClaimOneAsync(await OpenAsync(), owner: "server-b");

        var lost = await Should.ThrowAsync<LeaseLostException>(() => Store.ApplyAsync(old, Events(("run.started", "{\"by\":\"a\"}"))));
        await Store.ReleaseRunAsync(old, Clock.GetUtcNow());
        await Store.ApplyAsync(current, Events(("run.started", "{\"by\":\"b\"}")));

        lost.Message.ShouldContain("server-b");
        var events = await Store.ReadRunEventsAsync(run.Id, 0, 10);
        events.Select(e => e.DataJson).ShouldBe(["{\"by\":\"b\"}"]);
        events[0].Seq.ShouldBe(1);
        (await Store.FindRunAsync("default", run.Id))!.LeaseOwner.ShouldBe("server-b");
    }

    [StoreFact]
    public async Task ApplyAsync_ConcurrentAppendsByTheHolder_AreNumberedWithoutGapsInOrder()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        var stores = new[] { Store, await OpenAsync() };

        var batches = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            stores[i % 2].ApplyAsync(lease, Events(("step.started", $"{{\"batch\":{i},\"n\":0}}"), ("step.succeeded", $"{{\"batch\":{i},\"n\":1}}"), ("step.failed", $"{{\"batch\":{i},\"n\":2}}"))))));

        var events = await Store.ReadRunEventsAsync(run.Id, 0, 1000);
        events.Select(e => e.Seq).ShouldBe(Enumerable.Range(1, 60).Select(i => (long)i));
        events.ShouldBe(batches.SelectMany(b => b).OrderBy(e => e.Seq));
        foreach (var batch in batches)
        {
            batch.Select(e => e.Seq).ShouldBe([batch[0].Seq, batch[0].Seq + 1, batch[0].Seq + 2], "one change's events stay together and in order");
            batch.Select(e => e.Type).ShouldBe(["step.started", "step.succeeded", "step.failed"]);
        }
    }

    [StoreFact]
    public async Task ApplyAsync_OversizedOrMalformedParts_AreRefusedAndReasonsClipped()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        RunStepRecord Lint(string? output = null, string? reason = null) =>
            new() { RunId = run.Id, Name = "lint", State = StepState.Failed, Output = output, Reason = reason };
        var bigOutput = "{\"x\":\"" + new string('x', RunStepRecord.MaxOutputBytes) + "\"}";

        (await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, new RunChange { Steps = [Lint(bigOutput)] }))).Message.ShouldContain($"{RunStepRecord.MaxOutputBytes}");
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, new RunChange { Steps = [Lint("[1,2]")] }));
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, new RunChange { Steps = [Lint("{\"unterminated\": ")] }));
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, new RunChange { Steps = [Lint() with { Name = "" }] }));
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, new RunChange { Steps = [Lint() with { TaskId = "../../x" }] }));
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, Events(("run.started", bigOutput))));
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, Events(("run.started", "not json"))));
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, Events(("RUN STARTED; DROP", "{}"))));
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, new RunChange { State = (RunState)42 }));
        (await Store.ReadRunEventsAsync(run.Id, 0, 10)).ShouldBeEmpty();

        var longReason = new string('r', 10_000);
        await Store.ApplyAsync(lease, new RunChange { Reason = longReason, Steps = [Lint("{\"ok\":true}", longReason)] });
        var reason = (await Store.FindRunAsync("default", run.Id))!.Reason!;
        reason.Length.ShouldBe(2_000);
        reason.ShouldEndWith("[…]");
        (await Store.ListStepsAsync(run.Id))[0].Reason!.Length.ShouldBe(2_000);
    }

    [StoreFact]
    public async Task ReleaseRun_WokenWhileLeased_IsDueAtOnceNotAtTheRecheck()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        await Store.WakeRunAsync(run.Id);
        (await Store.ClaimRunsAsync("server-b", LeaseTime, 10)).ShouldBeEmpty("the lease still holds");

        await Store.ReleaseRunAsync(lease, Clock.GetUtcNow().AddHours(1));

        (await ClaimOneAsync(owner: "server-b")).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task ReleaseRun_NotWoken_IsDueAtTheRecheckOrAnEarlierWake()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        await Store.ReleaseRunAsync(lease, Clock.GetUtcNow().AddMinutes(5));

        (await Store.ClaimRunsAsync("server-a", LeaseTime, 10)).ShouldBeEmpty();
        Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await ClaimOneAsync();
        await Store.ReleaseRunAsync(again, Clock.GetUtcNow().AddMinutes(5));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.WakeRunAsync(run.Id);
        (await ClaimOneAsync()).RunId.ShouldBe(run.Id);
    }

    [StoreFact]
    public async Task ReleaseRun_LostLease_LeavesTheNewHoldersLeaseAlone()
    {
        await CreateAsync();
        var old = await ClaimOneAsync(owner: "server-a");
        Clock.Advance(LeaseTime);
        var current = await ClaimOneAsync(owner: "server-b");

        await Store.ReleaseRunAsync(old, Clock.GetUtcNow());

        (await Store.ClaimRunsAsync("server-c", LeaseTime, 10)).ShouldBeEmpty();
        await Store.ApplyAsync(current, Events(("run.started", "{}")));
    }

    [StoreFact]
    public async Task WakeRun_FinishedOrUnknownRun_ChangesNothing()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        await Store.ApplyAsync(lease, new RunChange { State = RunState.Failed, FinishedAt = Clock.GetUtcNow() });
        await Store.ReleaseRunAsync(lease, Clock.GetUtcNow());

        await Store.WakeRunAsync(run.Id);
        await Store.WakeRunAsync("not-a-run");
        await Store.WakeRunOfTaskAsync("' OR 1=1 --");

        (await Store.ClaimRunsAsync("server-a", LeaseTime, 10)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task ReadRunEvents_BadPage_IsRefused()
    {
        var run = await CreateAsync();
        (await Should.ThrowAsync<ValidationException>(() => Store.ReadRunEventsAsync(run.Id, 0, 0))).Errors.Keys.ShouldContain("limit");
        (await Should.ThrowAsync<ValidationException>(() => Store.ReadRunEventsAsync(run.Id, -1, 10))).Errors.Keys.ShouldContain("after");
    }
}

using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task AppendEvent_ConcurrentAppends_AreNumberedWithoutGaps()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        var other = await OpenAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appenders = Enumerable.Range(0, 4).Select(async writer =>
        {
            await start.Task;
            var store = writer % 2 == 0 ? Store : other;
            var numbers = new List<long>();
            for (var i = 0; i < 10; i++)
            {
                numbers.Add(await store.AppendEventAsync(lease, "tool.call", $$"""{"writer":{{writer}},"i":{{i}}}"""));
            }
            return numbers;
        }).ToList();
        start.SetResult();
        var returned = (await System.Threading.Tasks.Task.WhenAll(appenders)).SelectMany(n => n).Order().ToList();

        var events = await EventsAsync(task.Id);
        events.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 42).Select(i => (long)i));
        returned.ShouldBe(Enumerable.Range(3, 40).Select(i => (long)i));
        events.ShouldAllBe(e => e.TaskId == task.Id);
    }

    [StoreFact]
    public async Task AppendEvent_RefusedWritesAmongConcurrentOnes_LeaveTheOthersIntact()
    {
        var stale = await SubmitAsync(Ask("stale"));
        var staleLease = await ClaimAsync("old:1:0");
        await Store.FinishAsync(staleLease, TaskOutcome.Failed("ended"));
        var live = await SubmitAsync(Ask("live"));
        var lease = await ClaimAsync("new:1:0");
        var staleBefore = await SnapshotAsync(stale.Id);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = Enumerable.Range(0, 20).Select(async i =>
        {
            await start.Task;
            if (i % 2 == 0)
            {
                await Store.AppendEventAsync(lease, "tool.call", $$"""{"i":{{i}}}""");
                return true;
            }
            await Should.ThrowAsync<LeaseLostException>(() => Store.AppendEventAsync(staleLease, "tool.call", "{}"));
            return false;
        }).ToList();
        start.SetResult();
        await System.Threading.Tasks.Task.WhenAll(writes);

        (await EventsAsync(live.Id)).Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 12).Select(i => (long)i));
        await ShouldBeUnchangedAsync(staleBefore);
    }

    [StoreFact]
    public async Task AppendEvent_BadPayloadOrType_IsRefusedAndNothingIsWritten()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        var before = await SnapshotAsync(task.Id);
        var oversized = "{\"output\":\"" + new string('x', TaskEvent.MaxDataBytes) + "\"}";

        (await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, "command.output", oversized))).Message.ShouldContain("bytes");
        await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, "command.output", "[\"an array\"]"));
        await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, "command.output", "42"));
        await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, "command.output", "{broken"));
        await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, "command.output", null!));
        await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, "Not A Type", "{}"));
        await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, "x'; DROP TABLE events; --", "{}"));
        (await Should.ThrowAsync<ValidationException>(() => Store.AppendEventAsync(lease, EventTypes.TaskSucceeded, "{}"))).Message.ShouldContain("store");

        await ShouldBeUnchangedAsync(before);
    }

    [StoreFact]
    public async Task ReadEvents_AfterASequence_ReturnsOnlyLaterOnesUpToTheLimit()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        for (var i = 0; i < 5; i++)
        {
            await Store.AppendEventAsync(lease, "tool.call", "{}");
        }

        (await Store.ReadEventsAsync(task.Id, 4)).Select(e => e.Sequence).ShouldBe([5L, 6L, 7L]);
        (await Store.ReadEventsAsync(task.Id, 0, limit: 2)).Select(e => e.Sequence).ShouldBe([1L, 2L]);
        (await Store.ReadEventsAsync(task.Id, 7)).ShouldBeEmpty();
        await Should.ThrowAsync<ValidationException>(() => Store.ReadEventsAsync(task.Id, -1));
        await Should.ThrowAsync<ValidationException>(() => Store.ReadEventsAsync(task.Id, 0, limit: 0));
    }

    [StoreFact]
    public async Task Follow_LiveTask_YieldsEachEventAndEndsWhenFinished()
    {
        var task = await SubmitAsync();
        using var timeout = new CancellationTokenSource(TestDefaults.Timeout);
        var seen = new List<TaskEvent>();
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var following = System.Threading.Tasks.Task.Run(async () =>
        {
            await foreach (var item in Store.FollowEventsAsync(task.Id, 0, untilFinished: true, timeout.Token))
            {
                seen.Add(item);
                firstSeen.TrySetResult();
            }
        });
        await firstSeen.Task.WaitAsync(timeout.Token);

        var lease = await ClaimAsync();
        await Store.AppendEventAsync(lease, "tool.call", """{"n":1}""");
        await Store.AppendEventAsync(lease, "tool.call", """{"n":2}""");
        await Store.FinishAsync(lease, TaskOutcome.Succeeded());
        await following.WaitAsync(timeout.Token);

        seen.Select(e => e.Sequence).ShouldBe([1L, 2L, 3L, 4L, 5L]);
        seen[^1].Type.ShouldBe(EventTypes.TaskSucceeded);
    }

    [StoreFact]
    public async Task Follow_FromAMiddleSequence_ResumesWithoutDuplicates()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        await Store.AppendEventAsync(lease, "tool.call", "{}");
        await Store.FinishAsync(lease, TaskOutcome.Failed("broken"));
        using var timeout = new CancellationTokenSource(TestDefaults.Timeout);

        var seen = new List<long>();
        await foreach (var item in Store.FollowEventsAsync(task.Id, 2, untilFinished: true, timeout.Token))
        {
            seen.Add(item.Sequence);
        }

        seen.ShouldBe([3L, 4L]);
    }

    [StoreFact]
    public async Task Follow_UnknownTask_ThrowsTaskNotFound()
    {
        await Should.ThrowAsync<TaskNotFoundException>(async () =>
        {
            await foreach (var _ in Store.FollowEventsAsync(Core.Tasks.TaskId.New(Clock), 0, untilFinished: true))
            {
            }
        });
    }

    [StoreFact]
    public async Task Follow_ManyFollowersOfOneTask_AllSeeTheSameEvents()
    {
        var task = await SubmitAsync();
        using var timeout = new CancellationTokenSource(TestDefaults.Timeout);
        var followers = Enumerable.Range(0, 50).Select(_ => System.Threading.Tasks.Task.Run(async () =>
        {
            var sequences = new List<long>();
            await foreach (var item in Store.FollowEventsAsync(task.Id, 0, untilFinished: true, timeout.Token))
            {
                sequences.Add(item.Sequence);
            }
            return sequences;
        })).ToList();

        var lease = await ClaimAsync();
        await Store.AppendEventAsync(lease, "tool.call", "{}");
        await Store.FinishAsync(lease, TaskOutcome.Succeeded());
        var results = await System.Threading.Tasks.Task.WhenAll(followers).WaitAsync(timeout.Token);

        results.ShouldAllBe(r => r.SequenceEqual(new long[] { 1, 2, 3, 4 }));
    }
}

using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public void Dialect_IsTheOneConfigured() => Store.Dialect.ShouldBe(ExpectedDialect);

    [StoreFact]
    public async Task Submit_NewTask_IsQueuedWithItsEvent()
    {
        var result = await Store.SubmitAsync(Ask("  add a health endpoint\nwith tests  ", priority: 5));

        result.Created.ShouldBeTrue();
        var task = result.Task;
        TaskId.LooksValid(task.Id).ShouldBeTrue();
        task.Status.ShouldBe(TaskState.Queued);
        task.Instruction.ShouldBe("add a health endpoint\nwith tests");
        task.Title.ShouldBe("add a health endpoint");
        task.Priority.ShouldBe(5);
        task.Attempts.ShouldBe(0);
        task.CreatedAt.ShouldBe(Clock.GetUtcNow());
        (await Store.FindAsync(task.Id)).ShouldBe(task);
        var events = await EventsAsync(task.Id);
        events.Select(e => (e.Sequence, e.Type)).ShouldBe([(1L, EventTypes.TaskQueued)]);
        events[0].Data.ShouldContain("\"priority\":5");
    }

    [StoreFact]
    public async Task Submit_InvalidTask_ThrowsValidationAndStoresNothing()
    {
        var error = await Should.ThrowAsync<ValidationException>(() => Store.SubmitAsync(Ask(instruction: "   ", repo: "")));

        error.Errors.Keys.ShouldBe(["repo", "instruction"], ignoreOrder: true);
        (await Store.ListAsync(new TaskQuery())).Items.ShouldBeEmpty();
    }

    [StoreFact]
    public async Task Find_UnknownOrJunkId_ReturnsNull()
    {
        await SubmitAsync();

        (await Store.FindAsync(TaskId.New(Clock))).ShouldBeNull();
        (await Store.FindAsync("'; DROP TABLE tasks; --")).ShouldBeNull();
        (await Store.FindAsync("")).ShouldBeNull();
        (await Store.FindAsync(new string('a', 10_000))).ShouldBeNull();
    }

    [StoreFact]
    public async Task List_ManyTasks_PagesNewestFirstWithCursor()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await SubmitAsync(Ask($"task {i}"))).Id);
        }
        ids.Reverse();

        var first = await Store.ListAsync(new TaskQuery(Limit: 2));
        var second = await Store.ListAsync(new TaskQuery(Cursor: first.NextCursor, Limit: 2));
        var third = await Store.ListAsync(new TaskQuery(Cursor: second.NextCursor, Limit: 2));

        first.Items.Select(t => t.Id).ShouldBe(ids[..2]);
        second.Items.Select(t => t.Id).ShouldBe(ids[2..4]);
        third.Items.Select(t => t.Id).ShouldBe(ids[4..]);
        third.NextCursor.ShouldBeNull();
    }

    [StoreFact]
    public async Task List_StatusAndRepoFilters_ReturnOnlyMatches()
    {
        var a = await SubmitAsync(Ask(repo: "https://example.com/a"));
        var b = await SubmitAsync(Ask(repo: "https://example.com/b"));
        var c = await SubmitAsync(Ask(repo: "https://example.com/b"));
        await Store.CancelAsync(c.Id);

        (await Store.ListAsync(new TaskQuery(Repo: "https://example.com/b"))).Items.Select(t => t.Id).ShouldBe([c.Id, b.Id]);
        (await Store.ListAsync(new TaskQuery(Status: TaskState.Queued))).Items.Select(t => t.Id).ShouldBe([b.Id, a.Id]);
        (await Store.ListAsync(new TaskQuery(Status: TaskState.Cancelled, Repo: "https://example.com/a"))).Items.ShouldBeEmpty();
    }

    [StoreFact]
    public async Task List_BadLimitOrCursor_ThrowsValidation()
    {
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAsync(new TaskQuery(Limit: 0)))).Errors.Keys.ShouldContain("limit");
        await Should.ThrowAsync<ValidationException>(() => Store.ListAsync(new TaskQuery(Limit: TaskQuery.MaxLimit + 1)));
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAsync(new TaskQuery(Cursor: "1 OR 1=1")))).Errors.Keys.ShouldContain("cursor");
        await Should.ThrowAsync<ValidationException>(() => Store.ListAsync(new TaskQuery(Cursor: "-5")));
    }

    [StoreFact]
    public async Task Submit_SameIdempotencyKey_ReturnsTheFirstTask()
    {
        var first = await Store.SubmitAsync(Ask("one", key: "webhook-123"));
        var again = await Store.SubmitAsync(Ask("a different instruction", key: "webhook-123"));

        first.Created.ShouldBeTrue();
        again.Created.ShouldBeFalse();
        again.Task.ShouldBe(first.Task);
        (await Store.ListAsync(new TaskQuery())).Items.Count.ShouldBe(1);
        (await EventsAsync(first.Task.Id)).Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task Submit_TwentyConcurrentWithOneKey_CreatesOneTask()
    {
        var other = await OpenAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var submits = Enumerable.Range(0, 20).Select(async i =>
        {
            await start.Task;
            return await (i % 2 == 0 ? Store : other).SubmitAsync(Ask($"attempt {i}", key: "same-key"));
        }).ToList();
        start.SetResult();
        var results = await System.Threading.Tasks.Task.WhenAll(submits);

        results.Count(r => r.Created).ShouldBe(1);
        results.Select(r => r.Task.Id).Distinct().Count().ShouldBe(1);
        (await Store.ListAsync(new TaskQuery())).Items.Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task Cancel_QueuedTask_IsCancelledAtOnce()
    {
        var task = await SubmitAsync();

        var cancelled = await Store.CancelAsync(task.Id, "not needed any more");

        cancelled.Status.ShouldBe(TaskState.Cancelled);
        cancelled.FinishedAt.ShouldBe(Clock.GetUtcNow());
        (await Store.TryClaimAsync(Claimer())).ShouldBeNull();
        var events = await EventsAsync(task.Id);
        Types(events).ShouldBe([EventTypes.TaskQueued, EventTypes.TaskCancelled]);
        events[^1].Data.ShouldContain("not needed any more");
    }

    [StoreFact]
    public async Task Cancel_FinishedTask_ThrowsAndChangesNothing()
    {
        var task = await SubmitAsync();
        await Store.FinishAsync(await ClaimAsync(), Core.Execution.TaskOutcome.Succeeded("nightshift/x"));
        var before = await SnapshotAsync(task.Id);

        var error = await Should.ThrowAsync<InvalidTransitionException>(() => Store.CancelAsync(task.Id));

        error.Message.ShouldContain("succeeded");
        await ShouldBeUnchangedAsync(before);
    }

    [StoreFact]
    public async Task Retry_FailedTask_IsQueuedWithAFreshAttemptBudget()
    {
        var task = await SubmitAsync(Ask(maxAttempts: 1));
        await Store.FinishAsync(await ClaimAsync(), Core.Execution.TaskOutcome.Failed("the repository was unreachable"));

        var retried = await Store.RetryAsync(task.Id);

        retried.Status.ShouldBe(TaskState.Queued);
        retried.Attempts.ShouldBe(0);
        retried.LastError.ShouldBeNull();
        retried.FinishedAt.ShouldBeNull();
        (await ClaimAsync()).Attempt.ShouldBe(1);
        Types(await EventsAsync(task.Id)).ShouldBe(
        [
            EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskFailed, EventTypes.TaskQueued, EventTypes.TaskStarted,
        ]);
    }

    [StoreFact]
    public async Task Retry_RunningOrSucceededTask_ThrowsAndChangesNothing()
    {
        var running = await SubmitAsync();
        await ClaimAsync();
        var done = await SubmitAsync();
        await Store.FinishAsync(await ClaimAsync("host:1:1"), Core.Execution.TaskOutcome.Succeeded());
        var beforeRunning = await SnapshotAsync(running.Id);
        var beforeDone = await SnapshotAsync(done.Id);

        await Should.ThrowAsync<InvalidTransitionException>(() => Store.RetryAsync(running.Id));
        await Should.ThrowAsync<InvalidTransitionException>(() => Store.RetryAsync(done.Id));

        await ShouldBeUnchangedAsync(beforeRunning);
        await ShouldBeUnchangedAsync(beforeDone);
    }

    [StoreFact]
    public async Task People_UnknownOrJunkIds_ThrowTaskNotFound()
    {
        foreach (var id in new[] { TaskId.New(Clock), "../../etc/passwd", "", new string('x', 5_000) })
        {
            await Should.ThrowAsync<TaskNotFoundException>(() => Store.CancelAsync(id));
            await Should.ThrowAsync<TaskNotFoundException>(() => Store.RetryAsync(id));
            await Should.ThrowAsync<TaskNotFoundException>(() => Store.ApproveAsync(id));
            await Should.ThrowAsync<TaskNotFoundException>(() => Store.RejectAsync(id));
            await Should.ThrowAsync<TaskNotFoundException>(() => Store.GetCheckpointAsync(id));
            await Should.ThrowAsync<TaskNotFoundException>(() => Store.ReadEventsAsync(id, 0));
        }
    }
}

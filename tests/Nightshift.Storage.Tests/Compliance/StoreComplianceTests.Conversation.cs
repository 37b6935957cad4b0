using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private const string DefaultAnswerText = "No answer came; use your best judgement.";

    private static TaskMessage Say(string text, string author = "ada", string source = "api") => new(author, source, text);

    private async Task<(TaskRecord Task, DateTimeOffset Due)> AwaitingInputAsync(string question = "Which endpoint, v1 or v2?")
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        lease.TaskId.ShouldBe(task.Id);
        var due = Clock.GetUtcNow() + TimeSpan.FromHours(24);
        var parked = await Store.FinishAsync(lease, TaskOutcome.AwaitInput(question, due, DefaultAnswerText));
        parked.Status.ShouldBe(TaskState.AwaitingInput);
        return (parked, due);
    }

    [StoreFact]
    public async Task AddMessage_RunningTask_KeepsItForTheNextTurnWithTaskMessage()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();

        var after = await Store.AddMessageAsync(task.Id, Say("  use the v2 endpoint\r\nplease  "));

        after.Status.ShouldBe(TaskState.Running);
        var last = (await EventsAsync(task.Id))[^1];
        last.Type.ShouldBe(EventTypes.TaskMessage);
        last.Data.ShouldBe("""{"author":"ada","source":"api","text":"use the v2 endpoint\nplease"}""");
        var taken = await Store.TakeMessagesAsync(lease, 0);
        taken.Count.ShouldBe(1);
        taken[0].ShouldBe(new TaskConversationEntry(1, TaskMessageKind.Message, "ada", "api", "use the v2 endpoint\nplease", Clock.GetUtcNow()) { Delivered = false });
        (await Store.TakeMessagesAsync(lease, 1)).ShouldBeEmpty();
        (await Store.ListMessagesAsync(task.Id)).Single().Delivered.ShouldBeTrue();
    }

    [StoreFact]
    public async Task AddMessage_QueuedTask_IsKeptAndTheTaskStaysQueued()
    {
        var task = await SubmitAsync();

        (await Store.AddMessageAsync(task.Id, Say("one"))).Status.ShouldBe(TaskState.Queued);
        await Store.AddMessageAsync(task.Id, Say("two", "bob", "cli"));

        var listed = await Store.ListMessagesAsync(task.Id);
        listed.Select(e => (e.Seq, e.Text, e.Author, e.Source)).ShouldBe([(1L, "one", "ada", "api"), (2L, "two", "bob", "cli")]);
        (await Store.ListMessagesAsync(task.Id, afterSeq: 1)).Single().Text.ShouldBe("two");
        listed.ShouldAllBe(e => !e.Delivered && e.Kind == TaskMessageKind.Message);
    }

    [StoreFact]
    public async Task FinishAwaitInput_Question_ParksWithoutLeaseOrCountedAttemptAndKeepsTheCheckpoint()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        await Store.CheckpointAsync(lease, """{"stage":"planned"}""");
        var due = Clock.GetUtcNow() + TimeSpan.FromHours(24);

        var parked = await Store.FinishAsync(lease, TaskOutcome.AwaitInput("v1 or v2?", due, DefaultAnswerText));

        parked.Status.ShouldBe(TaskState.AwaitingInput);
        parked.Attempts.ShouldBe(0);
        parked.LeaseOwner.ShouldBeNull();
        (await Store.GetCheckpointAsync(task.Id)).ShouldBe("""{"stage":"planned"}""");
        var last = (await EventsAsync(task.Id))[^1];
        last.Type.ShouldBe(EventTypes.TaskQuestion);
        using (var data = System.Text.Json.JsonDocument.Parse(last.Data))
        {
            data.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["question", "timesOutAt", "defaultAnswer"]);
            data.RootElement.GetProperty("question").GetString().ShouldBe("v1 or v2?");
            data.RootElement.GetProperty("timesOutAt").GetDateTimeOffset().ShouldBe(due);
            data.RootElement.GetProperty("defaultAnswer").GetString().ShouldBe(DefaultAnswerText);
        }
        var question = (await Store.ListMessagesAsync(task.Id)).Single();
        question.Kind.ShouldBe(TaskMessageKind.Question);
        question.Text.ShouldBe("v1 or v2?");
        question.TimesOutAt.ShouldBe(due);
        question.DefaultAnswer.ShouldBe(DefaultAnswerText);
        (await Store.TryClaimAsync(Claimer())).ShouldBeNull();
    }

    [StoreFact]
    public async Task AddMessage_AwaitingInputTask_IsTheAnswerAndRequeuesToResume()
    {
        var (task, _) = await AwaitingInputAsync();

        var resumed = await Store.AddMessageAsync(task.Id, Say("v2, please", "ada", "dashboard"));

        resumed.Status.ShouldBe(TaskState.Queued);
        var last = (await EventsAsync(task.Id))[^1];
        last.Type.ShouldBe(EventTypes.TaskAnswered);
        last.Data.ShouldBe("""{"author":"ada","source":"dashboard","answer":"v2, please","timedOut":false}""");
        var lease = await ClaimAsync();
        lease.TaskId.ShouldBe(task.Id);
        lease.Attempt.ShouldBe(1);
        var seen = await Store.TakeMessagesAsync(lease, 0);
        seen.Select(e => e.Kind).ShouldBe([TaskMessageKind.Question, TaskMessageKind.Answer]);
        seen[1].Text.ShouldBe("v2, please");
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
    }

    [StoreFact]
    public async Task Sweep_QuestionPastItsDeadline_TakesTheDefaultAnswerAndRequeues()
    {
        var (task, due) = await AwaitingInputAsync();

        Clock.Advance(due - Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        Clock.Advance(TimeSpan.FromSeconds(1));
        (await Store.ReclaimExpiredAsync()).ShouldBe(1);

        (await Store.FindAsync(task.Id))!.Status.ShouldBe(TaskState.Queued);
        var last = (await EventsAsync(task.Id))[^1];
        last.Type.ShouldBe(EventTypes.TaskAnswered);
        last.Data.ShouldBe($$"""{"author":"nightshift","source":"timeout","answer":"{{DefaultAnswerText}}","timedOut":true}""");
        var answer = (await Store.ListMessagesAsync(task.Id))[^1];
        answer.Kind.ShouldBe(TaskMessageKind.Answer);
        answer.TimedOut.ShouldBeTrue();
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        (await ClaimAsync()).TaskId.ShouldBe(task.Id);
    }

    [StoreFact]
    public async Task Sweep_QuestionAnsweredJustBeforeTheSweep_IsNeverTouched()
    {
        var (task, due) = await AwaitingInputAsync();
        Clock.Advance(due - Clock.GetUtcNow() + TimeSpan.FromHours(1));

        await Store.AddMessageAsync(task.Id, Say("v1"));

        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        Types(await EventsAsync(task.Id)).Count(t => t == EventTypes.TaskAnswered).ShouldBe(1);
    }

    [StoreFact]
    public async Task AddMessage_EndedTask_IsRefusedSayingWhatToDo()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        await Store.FinishAsync(lease, TaskOutcome.Failed("broken"));
        var before = await SnapshotAsync(task.Id);

        var refused = await Should.ThrowAsync<InvalidTransitionException>(() => Store.AddMessageAsync(task.Id, Say("hello?")));

        refused.Message.ShouldContain("is failed");
        refused.Message.ShouldContain("submit a new task");
        refused.Message.ShouldContain($"nightshift retry {task.Id}");
        await ShouldBeUnchangedAsync(before);
        (await Store.ListMessagesAsync(task.Id)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task AddMessage_AwaitingApproval_IsRefusedPointingAtApproval()
    {
        var task = await AwaitingApprovalAsync();

        var refused = await Should.ThrowAsync<InvalidTransitionException>(() => Store.AddMessageAsync(task.Id, Say("hi")));

        refused.Message.ShouldContain("nightshift approve");
    }

    [StoreFact]
    public async Task AddMessage_UnknownOrMalformedId_IsNotFound()
    {
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.AddMessageAsync("t_" + new string('0', 26), Say("x")));
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.AddMessageAsync("'; DROP TABLE tasks; --", Say("x")));
        await Should.ThrowAsync<TaskNotFoundException>(() => Store.ListMessagesAsync("nope"));
    }

    [StoreFact]
    public async Task AddMessage_EmptyOrControlCharacterText_IsRefusedAndNothingKept()
    {
        var task = await SubmitAsync();

        foreach (var text in new[] { "", "   \n\t ", "bell\u0007", "escape \u001b[31mred", "nul\0byte", "next\u0085line" })
        {
            var refused = await Should.ThrowAsync<ValidationException>(() => Store.AddMessageAsync(task.Id, Say(text)));
            refused.Errors.Keys.ShouldContain("text");
        }
        (await Should.ThrowAsync<ValidationException>(() => Store.AddMessageAsync(task.Id, null!))).Errors.Keys.ShouldContain("text");
        (await Store.ListMessagesAsync(task.Id)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task AddMessage_OversizedTextOrAuthor_IsRefused()
    {
        var task = await SubmitAsync();

        (await Should.ThrowAsync<ValidationException>(() => Store.AddMessageAsync(task.Id, Say(new string('x', TaskMessage.MaxTextLength + 1)))))
            .Errors["text"].Single().ShouldContain($"at most {TaskMessage.MaxTextLength}");
        (await Should.ThrowAsync<ValidationException>(() => Store.AddMessageAsync(task.Id, Say("hi", author: new string('a', 101)))))
            .Errors.Keys.ShouldContain("author");
        (await Should.ThrowAsync<ValidationException>(() => Store.AddMessageAsync(task.Id, Say("hi", source: "a\nb"))))
            .Errors.Keys.ShouldContain("source");
        (await Store.AddMessageAsync(task.Id, Say(new string('y', TaskMessage.MaxTextLength)))).Status.ShouldBe(TaskState.Queued);
    }

    [StoreFact]
    public async Task AddMessage_TextThatLooksLikeACommand_IsKeptAsPlainData()
    {
        var task = await SubmitAsync();
        const string hostile = "/nightshift cancel\n<script>alert(1)</script> @everyone {\"status\":\"succeeded\"}";

        await Store.AddMessageAsync(task.Id, Say(hostile));

        (await Store.FindAsync(task.Id))!.Status.ShouldBe(TaskState.Queued);
        (await Store.ListMessagesAsync(task.Id)).Single().Text.ShouldBe(hostile);
    }

    [StoreFact]
    public async Task TakeMessages_LostLease_IsRefused()
    {
        var task = await SubmitAsync();
        var lease = await ClaimAsync();
        await Store.FinishAsync(lease, TaskOutcome.Succeeded());

        await Should.ThrowAsync<LeaseLostException>(() => Store.TakeMessagesAsync(lease, 0));
        task.Id.ShouldNotBeEmpty();
    }

    [StoreFact]
    public async Task FinishAwaitInput_MissingQuestionOrDefault_IsRefused()
    {
        await SubmitAsync();
        var lease = await ClaimAsync();
        var due = Clock.GetUtcNow().AddHours(1);

        await Should.ThrowAsync<ValidationException>(() => Store.FinishAsync(lease, TaskOutcome.AwaitInput(" ", due, "x")));
        await Should.ThrowAsync<ValidationException>(() => Store.FinishAsync(lease, TaskOutcome.AwaitInput("q", due, "")));
        await Should.ThrowAsync<ValidationException>(() => Store.FinishAsync(lease, TaskOutcome.AwaitInput(new string('q', TaskMessage.MaxTextLength + 1), due, "x")));
        (await Store.FinishAsync(lease, TaskOutcome.AwaitInput("q", due, "x"))).Status.ShouldBe(TaskState.AwaitingInput);
    }

    [StoreFact]
    public async Task Cancel_AwaitingInputTask_EndsAtOnceAndRetryIsRefusedWhileWaiting()
    {
        var (task, _) = await AwaitingInputAsync();

        await Should.ThrowAsync<InvalidTransitionException>(() => Store.RetryAsync(task.Id));
        (await Store.CancelAsync(task.Id, "no longer needed")).Status.ShouldBe(TaskState.Cancelled);
        (await Store.ReclaimExpiredAsync()).ShouldBe(0);
        await Should.ThrowAsync<InvalidTransitionException>(() => Store.AddMessageAsync(task.Id, Say("late answer")));
    }

    [StoreFact]
    public async Task AddMessage_ManyConcurrentSenders_GetConsecutiveNumbers()
    {
        var task = await SubmitAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Store.AddMessageAsync(task.Id, Say($"m{i}"))));

        var listed = await Store.ListMessagesAsync(task.Id);
        listed.Select(e => e.Seq).ShouldBe([1L, 2, 3, 4, 5, 6, 7, 8]);
        listed.Select(e => e.Text).Order().ShouldBe(Enumerable.Range(0, 8).Select(i => $"m{i}"));
        Types(await EventsAsync(task.Id)).Count(t => t == EventTypes.TaskMessage).ShouldBe(8);
    }
}

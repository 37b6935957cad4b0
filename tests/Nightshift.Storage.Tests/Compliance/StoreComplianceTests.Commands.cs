using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Commands;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private CommandAuditEntry Ran(
        string command = "npm test",
        string phase = "verify",
        int exitCode = 0,
        string? limit = null,
        string? subtask = null,
        IReadOnlyList<CommandHostDecisions>? hosts = null) =>
        new(phase, subtask, command, "", "off", exitCode, exitCode > 128 ? exitCode - 128 : null, limit, Clock.GetUtcNow(),
            TimeSpan.FromMilliseconds(1_234), 2_000_000_000_000, 17, hosts ?? []);

    private static string Json(TaskCommand command) => System.Text.Json.JsonSerializer.Serialize(command);

    [StoreFact]
    public async Task RecordCommand_SeveralCommands_AreNumberedInOrderAndReadBackWholeFromAnotherStore()
    {
        var lease = await ClaimFreshAsync();
        var hosts = new[] { new CommandHostDecisions("registry.example.org", 443, true, 3, "public address"), new CommandHostDecisions("169.254.169.254", 80, false, 1, "link-local address") };

        var first = await Store.RecordCommandAsync(lease, Ran("npm ci", "setup", hosts: hosts));
        var second = await Store.RecordCommandAsync(lease, Ran("node --test", exitCode: 1, subtask: "parser"));
        var third = await Store.RecordCommandAsync(lease, Ran("sleep 999", "agent", exitCode: 137, limit: "timeout"));

        var page = await (await OpenAsync()).ListCommandsAsync(lease.TaskId, 0, 10);
        page.Next.ShouldBeNull();
        page.Commands.Select(c => c.Seq).ShouldBe([1L, 2L, 3L]);
        page.Commands.Select(Json).ShouldBe([Json(first), Json(second), Json(third)]);
        first.TaskId.ShouldBe(lease.TaskId);
        first.Attempt.ShouldBe(1);
        first.Entry.Command.ShouldBe("npm ci");
        first.Entry.Hosts.ShouldBe(hosts);
        first.Entry.NetworkAllowed.ShouldBe(3);
        first.Entry.NetworkDenied.ShouldBe(1);
        first.Entry.StdoutBytes.ShouldBe(2_000_000_000_000);
        first.Entry.Duration.ShouldBe(TimeSpan.FromMilliseconds(1_234));
        first.Entry.StartedAt.ShouldBe(Clock.GetUtcNow());
        second.Entry.Subtask.ShouldBe("parser");
        third.Entry.Signal.ShouldBe(9);
        third.Entry.Limit.ShouldBe("timeout");
        third.Failed.ShouldBeTrue();
        first.Failed.ShouldBeFalse();
    }

    [StoreFact]
    public async Task ListCommands_PagedAfterASeq_ReturnsTheRestWithTheNextCursor()
    {
        var lease = await ClaimFreshAsync();
        for (var i = 1; i <= 5; i++)
        {
            await Store.RecordCommandAsync(lease, Ran($"step {i}"));
        }

        var first = await Store.ListCommandsAsync(lease.TaskId, 0, 2);
        var second = await Store.ListCommandsAsync(lease.TaskId, first.Next!.Value, 2);
        var last = await Store.ListCommandsAsync(lease.TaskId, second.Next!.Value, 2);

        first.Commands.Select(c => c.Entry.Command).ShouldBe(["step 1", "step 2"]);
        first.Next.ShouldBe(2);
        second.Commands.Select(c => c.Entry.Command).ShouldBe(["step 3", "step 4"]);
        last.Commands.Select(c => c.Entry.Command).ShouldBe(["step 5"]);
        last.Next.ShouldBeNull();
        (await Store.ListCommandsAsync(lease.TaskId, 5, 10)).Commands.ShouldBeEmpty();
    }

    [StoreFact]
    public async Task ListCommands_BadPageOrUnknownTask_IsRefusedOrEmpty()
    {
        var lease = await ClaimFreshAsync();
        await Store.RecordCommandAsync(lease, Ran());

        (await Should.ThrowAsync<ValidationException>(() => Store.ListCommandsAsync(lease.TaskId, 0, 0))).Message.ShouldContain("limit");
        await Should.ThrowAsync<ValidationException>(() => Store.ListCommandsAsync(lease.TaskId, 0, TaskCommandPage.MaxLimit + 1));
        await Should.ThrowAsync<ValidationException>(() => Store.ListCommandsAsync(lease.TaskId, -1, 10));
        (await Store.ListCommandsAsync("not a task id'; DROP TABLE task_commands; --", 0, 10)).Commands.ShouldBeEmpty();
        (await Store.ListCommandsAsync(TaskId.New(Clock), 0, 10)).Commands.ShouldBeEmpty();
        (await Store.CommandTotalsAsync("../../etc/passwd")).Commands.ShouldBe(0);
        (await Store.ListCommandsAsync(lease.TaskId, 0, 10)).Commands.ShouldHaveSingleItem();
    }

    [StoreFact]
    public async Task RecordCommand_LeaseLostToAnotherWorker_IsRefusedAndNothingIsKept()
    {
        var task = await SubmitAsync();
        var stale = await ClaimAsync("first:1:0");
        Clock.Advance(LeaseTime);
        (await Store.ReclaimExpiredAsync()).ShouldBe(1);
        Clock.Advance(Options.RetryBaseDelay);
        var owner = await ClaimAsync("second:1:0");

        await Should.ThrowAsync<LeaseLostException>(() => Store.RecordCommandAsync(stale, Ran("the stale attempt's command")));
        var kept = await Store.RecordCommandAsync(owner, Ran("the new owner's command"));

        kept.Seq.ShouldBe(1);
        kept.Attempt.ShouldBe(2);
        (await Store.ListCommandsAsync(task.Id, 0, 10)).Commands.Select(Json).ShouldBe([Json(kept)]);
    }

    [StoreFact]
    public async Task RecordCommand_TaskFinished_RowsAreKeptAndNoMoreAreAdded()
    {
        var lease = await ClaimFreshAsync();
        var kept = await Store.RecordCommandAsync(lease, Ran());
        await Store.FinishAsync(lease, TaskOutcome.Failed("gave up"));

        await Should.ThrowAsync<LeaseLostException>(() => Store.RecordCommandAsync(lease, Ran("after the end")));

        (await Store.ListCommandsAsync(lease.TaskId, 0, 10)).Commands.Select(Json).ShouldBe([Json(kept)]);
    }

    [StoreFact]
    public async Task RecordCommand_HostileValues_AreStoredBounded()
    {
        var lease = await ClaimFreshAsync();
        var huge = "echo " + new string('x', 1024 * 1024);
        var control = "printf '\u001b[2J\u001b]0;pwned\u0007'\r\necho \0 done\u202e";
        var manyHosts = Enumerable.Range(0, 300).Select(i => new CommandHostDecisions($"h{i}.example.org\0", 443, i % 2 == 0, 2, new string('r', 5_000))).ToList();

        var cut = await Store.RecordCommandAsync(lease, Ran(huge, hosts: manyHosts));
        var odd = await Store.RecordCommandAsync(lease, Ran(control) with { WorkingDirectory = new string('d', 50_000) });

        cut.Entry.Command.Length.ShouldBeLessThanOrEqualTo(CommandAuditEntry.MaxCommandChars);
        cut.Entry.Command.ShouldStartWith("echo xxx");
        cut.Entry.Command.ShouldContain("cut]");
        cut.Entry.Hosts.Count.ShouldBe(CommandAuditEntry.MaxHosts);
        cut.Entry.NetworkAllowed.ShouldBe(300);
        cut.Entry.NetworkDenied.ShouldBe(300);
        cut.Entry.Hosts.ShouldAllBe(h => !h.Host.Contains('\0') && h.Reason.Length <= 500);
        cut.Entry.Hosts[^1].Host.ShouldBe(CommandAuditBounds.OtherHosts);
        odd.Entry.Command.ShouldBe(control.Replace('\0', '\uFFFD'));
        odd.Entry.WorkingDirectory.Length.ShouldBeLessThanOrEqualTo(1_000);
        var totals = await Store.CommandTotalsAsync(lease.TaskId);
        totals.NetworkAllowed.ShouldBe(300);
        totals.NetworkDenied.ShouldBe(300);
    }

    [StoreFact]
    public async Task RecordCommand_MalformedEntry_IsRefusedWithTheFieldNamed()
    {
        var lease = await ClaimFreshAsync();

        (await Should.ThrowAsync<ValidationException>(() => Store.RecordCommandAsync(lease, Ran(phase: "")))).Message.ShouldContain("phase");
        (await Should.ThrowAsync<ValidationException>(() => Store.RecordCommandAsync(lease, Ran(subtask: "../Not An Id")))).Message.ShouldContain("subtask");
        (await Should.ThrowAsync<ValidationException>(() => Store.RecordCommandAsync(lease, Ran() with { Network = "" }))).Message.ShouldContain("network");
        (await Should.ThrowAsync<ValidationException>(() => Store.RecordCommandAsync(lease, Ran(limit: new string('l', 41))))).Message.ShouldContain("limit");
        await Should.ThrowAsync<ValidationException>(() => Store.RecordCommandAsync(lease, Ran() with { StdoutBytes = -1 }));

        (await Store.ListCommandsAsync(lease.TaskId, 0, 10)).Commands.ShouldBeEmpty();
    }

    [StoreFact]
    public async Task CommandTotals_SeveralCommands_CountFailuresAndSumHostsOverTheTask()
    {
        var lease = await ClaimFreshAsync();
        await Store.RecordCommandAsync(lease, Ran("npm ci", "setup", hosts: [new("registry.example.org", 443, true, 5, "ok"), new("evil.example", 443, false, 1, "not on the allow-list")]));
        await Store.RecordCommandAsync(lease, Ran("npm test", exitCode: 1));
        await Store.RecordCommandAsync(lease, Ran("fork bomb", exitCode: 0, limit: "processes"));
        await Store.RecordCommandAsync(lease, Ran("npm view x", "agent", hosts: [new("registry.example.org", 443, true, 2, "ok"), new("registry.example.org", 443, false, 1, "method not allowed")]));

        var totals = await Store.CommandTotalsAsync(lease.TaskId);

        totals.Commands.ShouldBe(4);
        totals.Failed.ShouldBe(1);
        totals.NetworkAllowed.ShouldBe(7);
        totals.NetworkDenied.ShouldBe(2);
        totals.Hosts.ShouldBe([new TaskHostTotals("registry.example.org", 443, 7, 1), new TaskHostTotals("evil.example", 443, 0, 1)]);
        (await Store.CommandTotalsAsync(TaskId.New(Clock))).Commands.ShouldBe(0);
    }

    [StoreFact]
    public async Task RecordCommand_TwoAtOnce_GetDistinctNumbers()
    {
        var lease = await ClaimFreshAsync();
        var other = await OpenAsync();

        var both = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? Store : other).RecordCommandAsync(lease, Ran($"parallel {i}"))));

        both.Select(c => c.Seq).Order().ShouldBe([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L]);
    }
}

using System.Text;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private const string SmallDiff = "diff --git a/x.txt b/x.txt\n--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-old\n+new\n";

    private PullRequest Pull(string taskId, string title = "Fix the flaky test", string diff = SmallDiff, bool draft = false) =>
        new(taskId, "local", $"local:{taskId}", "https://example.com/acme/app", "nightshift/fix", "main", title,
            "## Summary\n\nfixed it — ✓\n", diff, draft, Clock.GetUtcNow(), Clock.GetUtcNow());

    [StoreFact]
    public async Task SavePullRequest_HeldLease_IsReadBackWholeFromAnotherStore()
    {
        var lease = await ClaimFreshAsync();
        var saved = await Store.SavePullRequestAsync(lease, Pull(lease.TaskId, draft: true));

        var other = await OpenAsync();
        var found = await other.FindPullRequestAsync(lease.TaskId);

        found.ShouldBe(saved);
        saved.ShouldBe(Pull(lease.TaskId, draft: true));
        saved.Diff.ShouldBe(SmallDiff);
        saved.Draft.ShouldBeTrue();
    }

    [StoreFact]
    public async Task SavePullRequest_AgainAfterAFollowUp_ReplacesTheRecordButKeepsWhenItWasOpened()
    {
        var lease = await ClaimFreshAsync();
        var first = await Store.SavePullRequestAsync(lease, Pull(lease.TaskId, "first title", draft: true));
        Clock.Advance(TimeSpan.FromSeconds(10));

        var second = await Store.SavePullRequestAsync(lease, Pull(lease.TaskId, "second title", diff: SmallDiff + SmallDiff));

        second.Title.ShouldBe("second title");
        second.Draft.ShouldBeFalse();
        second.Diff.ShouldBe(SmallDiff + SmallDiff);
        second.OpenedAt.ShouldBe(first.OpenedAt);
        second.UpdatedAt.ShouldBe(first.OpenedAt + TimeSpan.FromSeconds(10));
        (await Store.FindPullRequestAsync(lease.TaskId)).ShouldBe(second);
    }

    [StoreFact]
    public async Task SavePullRequest_LeaseLostToAnotherWorker_IsRefusedAndKeepsTheNewOwnersRecord()
    {
        var task = await SubmitAsync();
        var stale = await ClaimAsync("first:1:0");
        Clock.Advance(LeaseTime);
        (await Store.ReclaimExpiredAsync()).ShouldBe(1);
        Clock.Advance(Options.RetryBaseDelay);
        var owner = await ClaimAsync("second:1:0");
        var kept = await Store.SavePullRequestAsync(owner, Pull(task.Id, "the new owner's record"));

        var lost = await Should.ThrowAsync<LeaseLostException>(() => Store.SavePullRequestAsync(stale, Pull(task.Id, "the stale attempt's record")));

        lost.Message.ShouldContain("second:1:0");
        (await Store.FindPullRequestAsync(task.Id)).ShouldBe(kept);
    }

    [StoreFact]
    public async Task SavePullRequest_TaskAlreadyFinished_IsRefusedAndNothingIsStored()
    {
        var lease = await ClaimFreshAsync();
        await Store.FinishAsync(lease, TaskOutcome.Failed("gave up"));

        await Should.ThrowAsync<LeaseLostException>(() => Store.SavePullRequestAsync(lease, Pull(lease.TaskId)));

        (await Store.FindPullRequestAsync(lease.TaskId)).ShouldBeNull();
    }

    [StoreFact]
    public async Task SavePullRequest_RecordOfAnotherTask_IsRefused()
    {
        var lease = await ClaimFreshAsync();
        var other = await SubmitAsync(Ask("another task"));

        var error = await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, Pull(other.Id)));

        error.Message.ShouldContain(lease.TaskId);
        (await Store.FindPullRequestAsync(other.Id)).ShouldBeNull();
        (await Store.FindPullRequestAsync(lease.TaskId)).ShouldBeNull();
    }

    [StoreFact]
    public async Task SavePullRequest_MissingOrOversizedFields_AreRefusedNamingTheField()
    {
        var lease = await ClaimFreshAsync();
        var pull = Pull(lease.TaskId);

        (await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, pull with { Branch = " " }))).Message.ShouldContain("branch");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, pull with { Forge = "" }))).Message.ShouldContain("forge");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, pull with { Reference = null! }))).Message.ShouldContain("reference");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, pull with { Title = null! }))).Message.ShouldContain("title");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, pull with { Title = new string('t', 1_001) }))).Message.ShouldContain("title");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, pull with { Body = new string('b', 1024 * 1024 + 1) }))).Message.ShouldContain("body");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePullRequestAsync(lease, pull with { BaseBranch = new string('m', 201) }))).Message.ShouldContain("baseBranch");
        (await Store.FindPullRequestAsync(lease.TaskId)).ShouldBeNull();
    }

    [StoreFact]
    public async Task SavePullRequest_HostileText_IsKeptAsDataWithNulReplaced()
    {
        var lease = await ClaimFreshAsync();
        var hostile = "'); DROP TABLE pull_requests; --\0\u202e\ud83d\ude00";

        var saved = await Store.SavePullRequestAsync(lease, Pull(lease.TaskId, hostile, diff: hostile + "\n") with { Body = hostile });

        var found = (await Store.FindPullRequestAsync(lease.TaskId)).ShouldNotBeNull();
        found.ShouldBe(saved);
        var kept = hostile.Replace('\0', '\uFFFD');
        found.Title.ShouldBe(kept, "NUL, which PostgreSQL text cannot hold, is replaced in both dialects");
        found.Body.ShouldBe(kept);
        found.Diff.ShouldBe(kept + "\n");
    }

    [StoreFact]
    public async Task SavePullRequest_DiffOverTheCap_IsCutAtALineWithAMarkerNamingTheBranch()
    {
        var store = await OpenAsync(new StoreOptions { MaxDiffBytes = 4096, RetryJitter = 0 });
        await SubmitAsync();
        var lease = (await store.TryClaimAsync(Claimer())) ?? throw new InvalidOperationException("nothing to claim");
        var line = "+" + new string('é', 40) + "\n";
        var diff = "diff --git a/big.txt b/big.txt\n--- a/big.txt\n+++ b/big.txt\n@@ -0,0 +1,500 @@\n" + string.Concat(Enumerable.Repeat(line, 500));

        var saved = await store.SavePullRequestAsync(lease, Pull(lease.TaskId, diff: diff));

        Encoding.UTF8.GetByteCount(saved.Diff).ShouldBeLessThanOrEqualTo(4096);
        PullRequestDiff.IsCut(saved.Diff).ShouldBeTrue();
        var lines = saved.Diff.TrimEnd('\n').Split('\n');
        lines[^1].ShouldStartWith(PullRequestDiff.CutMarker);
        lines[^1].ShouldContain("nightshift/fix");
        lines[^1].ShouldContain(Encoding.UTF8.GetByteCount(diff).ToString(System.Globalization.CultureInfo.InvariantCulture));
        lines[4..^1].ShouldAllBe(l => l == line.TrimEnd('\n'), "only whole lines are kept");
        diff.ShouldStartWith(saved.Diff[..saved.Diff.IndexOf(PullRequestDiff.CutMarker, StringComparison.Ordinal)]);
        (await Store.FindPullRequestAsync(lease.TaskId)).ShouldBe(saved);
    }

    [StoreFact]
    public async Task SavePullRequest_DiffExactlyAtTheCap_IsKeptWhole()
    {
        var store = await OpenAsync(new StoreOptions { MaxDiffBytes = 2048, RetryJitter = 0 });
        await SubmitAsync();
        var lease = (await store.TryClaimAsync(Claimer())) ?? throw new InvalidOperationException("nothing to claim");
        var diff = new string('x', 2047) + "\n";

        var saved = await store.SavePullRequestAsync(lease, Pull(lease.TaskId, diff: diff));

        saved.Diff.ShouldBe(diff);
        PullRequestDiff.IsCut(saved.Diff).ShouldBeFalse();
    }

    [StoreFact]
    public async Task FindPullRequest_NeverOpenedOrNotATaskId_IsNull()
    {
        var task = await SubmitAsync();

        (await Store.FindPullRequestAsync(task.Id)).ShouldBeNull();
        (await Store.FindPullRequestAsync(TaskId.New(Clock))).ShouldBeNull();
        (await Store.FindPullRequestAsync("'; DROP TABLE pull_requests; --")).ShouldBeNull();
        (await Store.FindPullRequestAsync("")).ShouldBeNull();
        (await Store.FindPullRequestAsync(new string('a', 10_000))).ShouldBeNull();
    }

    private async Task<Lease> ClaimFreshAsync()
    {
        await SubmitAsync();
        return await ClaimAsync();
    }
}

using Nightshift.Core.Errors;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

/// <summary>A follow-up's worktree: the parent's branch as the remote holds it, commits on top, pushes that only fast-forward.</summary>
public sealed class ContinueBranchTests
{
    private static CancellationToken Token => TestDefaults.TimeoutToken();

    /// <summary>A parent task that committed <c>parent.txt</c> and pushed its branch; returns its workspace.</summary>
    private static async Task<Workspace> PublishedParentAsync(Harness h)
    {
        var parent = await h.PrepareAsync("parent task");
        await File.WriteAllTextAsync(Path.Combine(parent.Path, "parent.txt"), "from the parent\n", Token);
        (await h.Tasks.CommitAsync(parent, new CommitRequest("parent's change"), Token)).ShouldNotBeNull();
        await h.Tasks.PushAsync(parent, cancellationToken: Token);
        return parent;
    }

    private static Task<Workspace> ContinueAsync(Harness h, string branch, string? taskId = null) =>
        h.Tasks.PrepareAsync(new WorkspaceRequest(taskId ?? Harness.NewTaskId(), h.Repo.RemotePath, "main", "follow-up") { ContinueBranch = branch }, Token);

    /// <summary>A person's commit pushed on <paramref name="branch"/> of the remote from the harness's own clone.</summary>
    private static string PersonPushes(Harness h, string branch, params (string Path, string Content)[] files)
    {
        h.Repo.Git("fetch", "--quiet", "origin", branch);
        h.Repo.Git("checkout", "--quiet", "-B", branch, "FETCH_HEAD");
        var commit = h.Repo.Commit("a person's commit", files);
        h.Repo.Git("checkout", "--quiet", "main");
        return commit;
    }

    private static async Task<string> CommitAsync(Harness h, Workspace workspace, string file, string content)
    {
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, file), content, Token);
        return (await h.Tasks.CommitAsync(workspace, new CommitRequest("follow-up's change"), Token)).ShouldNotBeNull().Commit;
    }

    [Fact]
    public async Task PrepareAsync_ContinueBranch_ChecksOutTheBranchAsPushed()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);

        var followUp = await ContinueAsync(h, parent.Branch);

        followUp.Branch.ShouldBe(parent.Branch);
        followUp.ContinuesBranch.ShouldBeTrue();
        followUp.BaseBranch.ShouldBe("main");
        followUp.BaseCommit.ShouldBe(h.Repo.RemoteBranch(parent.Branch));
        File.ReadAllText(Path.Combine(followUp.Path, "parent.txt")).ShouldBe("from the parent\n");
        (await h.Tasks.DiffAsync(followUp, Token)).ShouldBeEmpty();
        // Its own local branch, so the parent's worktree (still there) keeps its own.
        GitCli.Run(followUp.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldNotBe(parent.Branch);
    }

    [Fact]
    public async Task PrepareAsync_PersonPushedOnTheBranch_KeepsTheirCommit()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        var person = PersonPushes(h, parent.Branch, ("person.txt", "added by a person\n"));

        var followUp = await ContinueAsync(h, parent.Branch);

        followUp.BaseCommit.ShouldBe(person);
        File.ReadAllText(Path.Combine(followUp.Path, "person.txt")).ShouldBe("added by a person\n");
    }

    [Fact]
    public async Task PrepareAsync_BranchForcePushedOnTheRemote_TakesItAsItIsNow()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        h.Repo.Git("checkout", "--quiet", "-B", "rewritten", "main");
        h.Repo.WriteFile("rewritten.txt", "history rewritten\n");
        h.Repo.Git("add", "--all");
        h.Repo.Git("commit", "--quiet", "-m", "rewritten");
        h.Repo.Git("push", "--quiet", "--force", "origin", "HEAD:refs/heads/" + parent.Branch);
        h.Repo.Git("checkout", "--quiet", "main");
        var rewritten = h.Repo.RemoteBranch(parent.Branch);

        var followUp = await ContinueAsync(h, parent.Branch);

        followUp.BaseCommit.ShouldBe(rewritten);
        File.Exists(Path.Combine(followUp.Path, "parent.txt")).ShouldBeFalse();
        File.ReadAllText(Path.Combine(followUp.Path, "rewritten.txt")).ShouldBe("history rewritten\n");
    }

    [Fact]
    public async Task PrepareAsync_BranchDeletedOnTheRemote_FailsSayingToAskForANewTask()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        h.Repo.RemoteGit("update-ref", "-d", "refs/heads/" + parent.Branch);

        var error = await Should.ThrowAsync<WorkspaceException>(() => ContinueAsync(h, parent.Branch));

        error.Message.ShouldContain($"branch '{parent.Branch}' no longer exists");
        error.Message.ShouldContain("ask for a new task");
    }

    [Theory]
    [InlineData("-upload-pack=evil")]
    [InlineData("a..b")]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    [InlineData("bell\u0007")]
    [InlineData("refs/../../etc")]
    [InlineData("HEAD")]
    [InlineData("")]
    [InlineData("x:refs/heads/main")]
    public async Task PrepareAsync_ContinueBranchNotSafe_RefusedBeforeAnyGit(string branch)
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<ValidationException>(() => ContinueAsync(h, branch));

        error.Message.ShouldContain("not a valid branch name to continue");
        Directory.Exists(Path.Combine(h.Data, "mirrors")).ShouldBeFalse();
    }

    [Fact]
    public async Task PrepareAsync_ContinueBranchOversized_Refused()
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<ValidationException>(() => ContinueAsync(h, "nightshift/" + new string('a', 10_000)));

        error.Message.Length.ShouldBeLessThan(400);
    }

    [Fact]
    public async Task PushAsync_FollowUpCommit_FastForwardsTheBranch()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        var before = h.Repo.RemoteBranch(parent.Branch);
        var followUp = await ContinueAsync(h, parent.Branch);
        var commit = await CommitAsync(h, followUp, "followup.txt", "from the follow-up\n");

        await h.Tasks.PushAsync(followUp, cancellationToken: Token);

        h.Repo.RemoteBranch(parent.Branch).ShouldBe(commit);
        h.Repo.RemoteGit("rev-parse", commit + "^").Trim().ShouldBe(before);
        // The pull request's diff is the whole branch's change, not only the follow-up's.
        var diff = await h.Tasks.DiffAsync(followUp, commit, Token);
        diff.ShouldContain("parent.txt");
        diff.ShouldContain("followup.txt");
    }

    [Fact]
    public async Task PushAsync_BranchMovedWithoutConflict_MergesOnceAndKeepsBoth()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        var followUp = await ContinueAsync(h, parent.Branch);
        var ours = await CommitAsync(h, followUp, "followup.txt", "from the follow-up\n");
        var theirs = PersonPushes(h, parent.Branch, ("person.txt", "pushed meanwhile\n"));

        await h.Tasks.PushAsync(followUp, cancellationToken: Token);

        var head = h.Repo.RemoteBranch(parent.Branch)!;
        head.ShouldNotBe(ours);
        h.Repo.RemoteGit("rev-list", "--parents", "-n", "1", head).Trim().Split(' ').Skip(1).ShouldBe([ours, theirs]);
        h.Repo.RemoteGit("show", $"{head}:person.txt").ShouldBe("pushed meanwhile\n");
        h.Repo.RemoteGit("show", $"{head}:followup.txt").ShouldBe("from the follow-up\n");
        h.Repo.RemoteGit("log", "-1", "--format=%B", head).ShouldContain("Nightshift-Task: " + followUp.TaskId);
    }

    [Fact]
    public async Task PushAsync_BranchMovedWithAConflict_FailsNamingTheFileAndLeavesTheRemote()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        var followUp = await ContinueAsync(h, parent.Branch);
        await CommitAsync(h, followUp, "parent.txt", "the follow-up's version\n");
        var theirs = PersonPushes(h, parent.Branch, ("parent.txt", "a person's version\n"));

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.PushAsync(followUp, cancellationToken: Token));

        error.Message.ShouldContain("parent.txt");
        error.Message.ShouldContain("nothing was pushed");
        error.Message.ShouldContain("retry the task");
        h.Repo.RemoteBranch(parent.Branch).ShouldBe(theirs);
    }

    [Fact]
    public async Task ReleaseAsync_ParentWorktreeRemovedAfterTheFollowUpStarted_FollowUpStillPushes()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        var followUp = await ContinueAsync(h, parent.Branch);

        await h.Tasks.ReleaseAsync(parent, cancellationToken: Token);
        var commit = await CommitAsync(h, followUp, "followup.txt", "after the parent left\n");
        await h.Tasks.PushAsync(followUp, cancellationToken: Token);

        h.Repo.RemoteBranch(parent.Branch).ShouldBe(commit);
        GitCli.Run(followUp.Path, "rev-parse", "HEAD").Trim().ShouldBe(commit);
    }

    [Fact]
    public async Task PrepareAsync_ChainOfTwoFollowUps_EachOnTopOfTheLast()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        var first = await ContinueAsync(h, parent.Branch);
        var firstCommit = await CommitAsync(h, first, "first.txt", "1\n");
        await h.Tasks.PushAsync(first, cancellationToken: Token);
        await h.Tasks.ReleaseAsync(first, cancellationToken: Token);

        var second = await ContinueAsync(h, parent.Branch);
        var secondCommit = await CommitAsync(h, second, "second.txt", "2\n");
        await h.Tasks.PushAsync(second, cancellationToken: Token);

        second.BaseCommit.ShouldBe(firstCommit);
        h.Repo.RemoteBranch(parent.Branch).ShouldBe(secondCommit);
        h.Repo.RemoteGit("rev-parse", secondCommit + "^").Trim().ShouldBe(firstCommit);
    }

    [Fact]
    public async Task RenameBranchAsync_FollowUp_RefusedBecauseTheBranchIsShared()
    {
        using var h = Harness.Create();
        var parent = await PublishedParentAsync(h);
        var followUp = await ContinueAsync(h, parent.Branch);

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.RenameBranchAsync(followUp, "team/other", Token));

        error.Message.ShouldContain("not the task's to change");
        h.Repo.RemoteBranch("team/other").ShouldBeNull();
    }
}

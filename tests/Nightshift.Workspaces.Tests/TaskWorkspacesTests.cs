using Nightshift.Core.Errors;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

public sealed class TaskWorkspacesTests
{
    [Fact]
    public async Task PrepareAsync_TwoTasksOnOneRepositoryAtOnce_GetSeparateWorktreesAndBranches()
    {
        using var h = Harness.Create();

        var both = await Task.WhenAll(h.PrepareAsync("first task"), h.PrepareAsync("second task"));

        both[0].Path.ShouldNotBe(both[1].Path);
        both[0].Branch.ShouldNotBe(both[1].Branch);
        both[0].Repository.Key.ShouldBe(both[1].Repository.Key);
        foreach (var workspace in both)
        {
            File.ReadAllText(Path.Combine(workspace.Path, "README.md")).ShouldBe("# sample\n");
            GitCli.Run(workspace.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldBe(workspace.Branch);
            workspace.BaseBranch.ShouldBe("main");
            workspace.BaseCommit.ShouldBe(h.Repo.RemoteBranch("main"));
        }
        Directory.EnumerateDirectories(Path.Combine(h.Data, "mirrors")).Count().ShouldBe(1);
    }

    [Fact]
    public async Task PrepareAsync_NewCommitOnRemote_FetchedIntoTheSameMirror()
    {
        using var h = Harness.Create();
        var first = await h.PrepareAsync("one");
        var mirror = h.MirrorOf(first);
        var inode = Harness.Inode(mirror);
        var marker = Path.Combine(mirror, "kept-marker");
        await File.WriteAllTextAsync(marker, "a re-clone would lose this");
        var newCommit = h.Repo.Commit("second", ("src/new.txt", "fresh\n"));

        var second = await h.PrepareAsync("two");

        second.BaseCommit.ShouldBe(newCommit);
        File.ReadAllText(Path.Combine(second.Path, "src", "new.txt")).ShouldBe("fresh\n");
        Harness.Inode(h.MirrorOf(second)).ShouldBe(inode);
        File.Exists(marker).ShouldBeTrue();
    }

    [Fact]
    public async Task PrepareAsync_Title_BranchIsShortIdAndSlug()
    {
        using var h = Harness.Create();
        var taskId = Harness.NewTaskId();

        var workspace = await h.PrepareAsync("Fix the Login bug!! (urgent) über-fast, and make it much faster please", taskId: taskId);

        workspace.Branch.ShouldBe($"nightshift/{taskId[^8..]}-fix-the-login-bug-urgent-ber-fast-and-ma");
        workspace.Branch["nightshift/".Length..].Split('-', 2)[1].Length.ShouldBeLessThanOrEqualTo(40);
    }

    [Fact]
    public async Task PrepareAsync_NoBaseBranch_UsesTheRemotesHeadBranch()
    {
        using var h = Harness.Create();
        h.Repo.Git("checkout", "--quiet", "-b", "develop");
        var developTip = h.Repo.Commit("on develop", ("dev.txt", "d\n"));
        h.Repo.RemoteGit("symbolic-ref", "HEAD", "refs/heads/develop");

        var defaulted = await h.PrepareAsync("x");
        var explicitMain = await h.PrepareAsync("y", baseBranch: "main");

        defaulted.BaseBranch.ShouldBe("develop");
        defaulted.BaseCommit.ShouldBe(developTip);
        explicitMain.BaseCommit.ShouldBe(h.Repo.RemoteBranch("main"));
        File.Exists(Path.Combine(explicitMain.Path, "dev.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task PrepareAsync_MissingBaseBranch_NamesTheBranchesThatExist()
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.PrepareAsync("x", baseBranch: "nope"));

        error.Message.ShouldContain("base branch 'nope' does not exist");
        error.Message.ShouldContain("it has main");
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("-rf")]
    [InlineData("has space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task PrepareAsync_InvalidTaskId_Refused(string taskId)
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<ValidationException>(() => h.PrepareAsync("x", taskId: taskId));

        error.Errors.Keys.ShouldContain("taskId");
        Directory.Exists(Path.Combine(h.Data, "worktrees")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("$(touch /tmp/nightshift-pwn)")]
    [InlineData("-main")]
    [InlineData("main..x")]
    [InlineData("refs/heads/a b")]
    [InlineData("a:b")]
    [InlineData("x\ny")]
    public async Task PrepareAsync_InvalidBaseBranch_Refused(string baseBranch)
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<ValidationException>(() => h.PrepareAsync("x", baseBranch: baseBranch));

        error.Errors.Keys.ShouldContain("baseBranch");
    }

    [Fact]
    public async Task PrepareAsync_RefusedRepository_ThrowsPolicyError()
    {
        using var h = Harness.Create();

        await Should.ThrowAsync<Repositories.RepositoryRefusedException>(() => h.PrepareAsync("x", repository: "ext::sh -c touch% /tmp/nightshift-pwn"));
    }

    [Fact]
    public async Task PrepareAsync_SameTaskAgain_ResumesTheExistingWorktree()
    {
        using var h = Harness.Create();
        var taskId = Harness.NewTaskId();
        var first = await h.PrepareAsync("resume me", taskId: taskId);
        await File.WriteAllTextAsync(Path.Combine(first.Path, "work-in-progress.txt"), "keep");

        var again = await h.PrepareAsync("resume me", taskId: taskId);

        again.ShouldBe(first);
        File.ReadAllText(Path.Combine(again.Path, "work-in-progress.txt")).ShouldBe("keep");
    }

    [Fact]
    public async Task PrepareAsync_LocalWorkingRepository_UsedAsTheRemote()
    {
        using var h = Harness.Create();
        var tip = h.Repo.Commit("unpushed is fine too", ("local.txt", "l\n"));

        var workspace = await h.PrepareAsync("x", repository: h.Repo.WorkPath);

        workspace.BaseCommit.ShouldBe(tip);
        File.Exists(Path.Combine(workspace.Path, "local.txt")).ShouldBeTrue();
    }

    [Fact]
    public async Task CommitAsync_NothingChanged_ReturnsNull()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        var result = await h.Tasks.CommitAsync(workspace, new CommitRequest("nothing"), TestDefaults.TimeoutToken());

        result.ShouldBeNull();
    }

    [Fact]
    public async Task CommitAsync_NewChangedAndDeletedFiles_CommittedWithTrailerAndDefaultAuthor()
    {
        using var h = Harness.Create();
        h.Repo.Commit("more", ("old.txt", "old\n"), ("keep.txt", "v1\n"));
        var workspace = await h.PrepareAsync("x");
        File.Delete(Path.Combine(workspace.Path, "old.txt"));
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "keep.txt"), "v2\n");
        Directory.CreateDirectory(Path.Combine(workspace.Path, "src"));
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "src", "added.cs"), "class A {}\n");

        var result = await h.Tasks.CommitAsync(workspace, new CommitRequest("Change things"), TestDefaults.TimeoutToken());

        result.ShouldNotBeNull();
        result.Parent.ShouldBe(workspace.BaseCommit);
        result.ChangedPaths.ShouldBe(["keep.txt", "old.txt", "src/added.cs"], ignoreOrder: true);
        var mirror = h.MirrorOf(workspace);
        GitCli.Run(h.Data, "--git-dir", mirror, "log", "-1", "--format=%B", result.Commit).ShouldBe($"Change things\n\nNightshift-Task: {workspace.TaskId}\n\n");
        GitCli.Run(h.Data, "--git-dir", mirror, "log", "-1", "--format=%an <%ae>|%cn", result.Commit).Trim().ShouldBe("Nightshift <nightshift@localhost>|Nightshift");
        GitCli.Run(h.Data, "--git-dir", mirror, "rev-parse", "refs/heads/" + workspace.Branch).Trim().ShouldBe(result.Commit);
        GitCli.Run(workspace.Path, "status", "--porcelain").ShouldBeEmpty();
    }

    [Fact]
    public async Task CommitAsync_TwiceInARow_SecondBuildsOnTheFirst()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "a.txt"), "a\n");
        var first = await h.Tasks.CommitAsync(workspace, new CommitRequest("one", new CommitAuthor("Ada", "ada@example.com")), TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "b.txt"), "b\n");

        var second = await h.Tasks.CommitAsync(workspace, new CommitRequest("two"), TestDefaults.TimeoutToken());

        second.ShouldNotBeNull();
        second.Parent.ShouldBe(first!.Commit);
        second.ChangedPaths.ShouldBe(["b.txt"]);
        GitCli.Run(h.Data, "--git-dir", h.MirrorOf(workspace), "log", "-1", "--format=%an <%ae>", first.Commit).Trim().ShouldBe("Ada <ada@example.com>");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task CommitAsync_EmptyMessage_Refused(string message)
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "a.txt"), "a\n");

        var error = await Should.ThrowAsync<ValidationException>(() => h.Tasks.CommitAsync(workspace, new CommitRequest(message)));

        error.Errors.Keys.ShouldContain("message");
    }

    [Theory]
    [InlineData("Evil <root@x>", "e@x")]
    [InlineData("Name", "a\nb@x")]
    [InlineData("", "e@x")]
    public async Task CommitAsync_MalformedAuthor_Refused(string name, string email)
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "a.txt"), "a\n");

        var error = await Should.ThrowAsync<ValidationException>(() => h.Tasks.CommitAsync(workspace, new CommitRequest("m", new CommitAuthor(name, email))));

        error.Errors.Keys.ShouldContain("author");
    }

    [Fact]
    public async Task DiffAsync_ChangedAndNewFiles_AppearAgainstTheBase()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "README.md"), "# sample\nmore\n");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "brand-new.txt"), "hello\n");

        var diff = await h.Tasks.DiffAsync(workspace, TestDefaults.TimeoutToken());

        diff.ShouldContain("diff --git a/README.md b/README.md");
        diff.ShouldContain("+more");
        diff.ShouldContain("diff --git a/brand-new.txt b/brand-new.txt");
        diff.ShouldContain("new file mode 100644");
        diff.ShouldContain("+hello");
    }

    [Fact]
    public async Task DiffAsync_AfterCommit_StillShowsTheWholeChange()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "committed.txt"), "c\n");
        await h.Tasks.CommitAsync(workspace, new CommitRequest("c"));
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "pending.txt"), "p\n");

        var diff = await h.Tasks.DiffAsync(workspace, TestDefaults.TimeoutToken());

        diff.ShouldContain("b/committed.txt");
        diff.ShouldContain("b/pending.txt");
    }

    [Fact]
    public async Task DiffAsyncOfACommit_AfterTheWorktreeWasRecreatedFromTheBase_StillShowsThatCommitsChange()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "committed.txt"), "c\n");
        var commit = (await h.Tasks.CommitAsync(workspace, new CommitRequest("c"))).ShouldNotBeNull().Commit;
        await h.Tasks.PushAsync(workspace);
        await h.Tasks.ReleaseAsync(workspace, keep: true);
        var recreated = await h.PrepareAsync("x", taskId: workspace.TaskId);
        await File.WriteAllTextAsync(Path.Combine(recreated.Path, "pending.txt"), "p\n");

        var diff = await h.Tasks.DiffAsync(recreated, commit, TestDefaults.TimeoutToken());

        (await h.Tasks.DiffAsync(recreated, TestDefaults.TimeoutToken())).ShouldNotContain("b/committed.txt");
        diff.ShouldContain("b/committed.txt");
        diff.ShouldContain("+c");
        diff.ShouldNotContain("pending.txt");
    }

    [Theory]
    [InlineData("")]
    [InlineData("HEAD")]
    [InlineData("--output=/tmp/x")]
    [InlineData("0123456789abcdef0123456789abcdef0123456G")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567")]
    public async Task DiffAsyncOfACommit_NotAFullCommitId_IsRefused(string commit)
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        var error = await Should.ThrowAsync<ValidationException>(() => h.Tasks.DiffAsync(workspace, commit, TestDefaults.TimeoutToken()));

        error.Errors.Keys.ShouldContain("commit");
    }

    [Fact]
    public async Task DiffAsync_NothingChanged_IsEmpty()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        (await h.Tasks.DiffAsync(workspace)).ShouldBeEmpty();
    }

    [Fact]
    public async Task PushAsync_AfterCommit_BranchReachesTheRemote()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("push me");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "feature.txt"), "f\n");
        var commit = await h.Tasks.CommitAsync(workspace, new CommitRequest("Add feature"));

        await h.Tasks.PushAsync(workspace, null, TestDefaults.TimeoutToken());

        h.Repo.RemoteBranch(workspace.Branch).ShouldBe(commit!.Commit);
        h.Repo.RemoteBranch("main").ShouldBe(workspace.BaseCommit);
    }

    [Fact]
    public async Task PushAsync_NothingCommitted_Refused()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.PushAsync(workspace));

        error.Message.ShouldContain("has no commit to push");
        h.Repo.RemoteBranch(workspace.Branch).ShouldBeNull();
    }

    [Fact]
    public async Task PushAsync_LocalRepositoryHasTheBranchCheckedOut_Refused()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x", repository: h.Repo.WorkPath);
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "a.txt"), "a\n");
        await h.Tasks.CommitAsync(workspace, new CommitRequest("a"));
        h.Repo.Git("checkout", "--quiet", "-b", workspace.Branch);
        var before = h.Repo.Git("rev-parse", "HEAD").Trim();

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.PushAsync(workspace));

        error.Message.ShouldContain("checked-out branch");
        h.Repo.Git("rev-parse", "HEAD").Trim().ShouldBe(before);
    }

    [Fact]
    public async Task ReleaseAsync_NotKept_RemovesWorktreeBranchAndBookkeeping()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        var mirror = h.MirrorOf(workspace);

        await h.Tasks.ReleaseAsync(workspace, keep: false, TestDefaults.TimeoutToken());

        Directory.Exists(workspace.Path).ShouldBeFalse();
        GitCli.Run(h.Data, "--git-dir", mirror, "worktree", "list").ShouldNotContain(workspace.Path);
        GitCli.TryRun(h.Data, null, "--git-dir", mirror, "rev-parse", "--verify", "--quiet", "refs/heads/" + workspace.Branch).ExitCode.ShouldNotBe(0);
        await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.DiffAsync(workspace));
        await h.Tasks.ReleaseAsync(workspace);
    }

    [Fact]
    public async Task ReleaseAsync_Kept_LeavesTheWorktreeForInspection()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");

        await h.Tasks.ReleaseAsync(workspace, keep: true);

        Directory.Exists(workspace.Path).ShouldBeTrue();
    }

    [Fact]
    public async Task ReleaseAsync_ReadOnlyFoldersAndSymlinksInWorktree_RemovedWithoutTouchingLinkTargets()
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("x");
        var outside = h.Repo.NewFolder("outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "precious.txt"), "p");
        Directory.CreateSymbolicLink(Path.Combine(workspace.Path, "link-to-outside"), outside);
        var locked = Path.Combine(workspace.Path, "locked");
        Directory.CreateDirectory(locked);
        await File.WriteAllTextAsync(Path.Combine(locked, "f.txt"), "f");
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        await h.Tasks.ReleaseAsync(workspace);

        Directory.Exists(workspace.Path).ShouldBeFalse();
        File.ReadAllText(Path.Combine(outside, "precious.txt")).ShouldBe("p");
    }
}

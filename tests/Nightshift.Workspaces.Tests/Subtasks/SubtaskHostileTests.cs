using Nightshift.Core.Errors;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces.Tests.Subtasks;

/// <summary>
/// A subtask agent owns its worktree: it can replace its <c>.git</c>, plant hooks, nested repositories, filters and
/// links. Each trap drops a file in the canary folder if host-side git ever runs it.
/// </summary>
public sealed class SubtaskHostileTests
{
    [Fact]
    public async Task CommitAndMerge_SubtaskPlantsGitFolderHooksFiltersNestedRepoAndLinks_NothingRunsAndOnlyFilesAreMerged()
    {
        using var h = Harness.Create();
        var canaries = h.Repo.NewFolder("canaries");
        var script = Path.Combine(h.Repo.Root, "evil.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\ntouch '{canaries}'/\"$1\"\ncat\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var task = await h.PrepareAsync("hostile subtask");
        var head = await h.Subtasks.CurrentCommitAsync(task);
        var subtask = await h.Subtasks.PrepareSubtaskAsync(task, "evil", head, TestDefaults.TimeoutToken());
        var root = subtask.Path;

        // Its own .git folder instead of the link to our mirror, with every hook and config trap.
        File.Delete(Path.Combine(root, ".git"));
        GitCli.Run(root, "init", "--quiet");
        var config = Path.Combine(root, ".git", "config");
        await File.AppendAllTextAsync(config,
            $"[core]\n\tfsmonitor = \"{script} fsmonitor\"\n\thooksPath = \"{Path.Combine(root, ".git", "hooks")}\"\n" +
            $"[filter \"evil\"]\n\tclean = \"{script} clean\"\n\tsmudge = \"{script} smudge\"\n\trequired = true\n" +
            $"[merge \"evil\"]\n\tdriver = \"{script} merge-driver %O %A %B\"\n");
        foreach (var hook in new[] { "pre-commit", "post-commit", "post-checkout", "post-merge", "reference-transaction", "post-index-change" })
        {
            var path = Path.Combine(root, ".git", "hooks", hook);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\n'{script}' hook-{hook} </dev/null\nexit 0\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        await File.WriteAllTextAsync(Path.Combine(root, ".gitattributes"), "* filter=evil merge=evil\n");
        await File.WriteAllTextAsync(Path.Combine(root, "feature.txt"), "the real change\n");
        // A nested repository with a commit: plain git would record a link to it instead of its files.
        var nested = Path.Combine(root, "vendor", "lib");
        Directory.CreateDirectory(nested);
        GitCli.Run(nested, "init", "--quiet");
        await File.WriteAllTextAsync(Path.Combine(nested, "lib.txt"), "vendored\n");
        GitCli.Run(nested, "add", "lib.txt");
        GitCli.Run(nested, "commit", "--quiet", "-m", "nested");
        // A .git file further down pointing at our mirror.
        Directory.CreateDirectory(Path.Combine(root, "sneaky"));
        await File.WriteAllTextAsync(Path.Combine(root, "sneaky", ".git"), $"gitdir: {h.MirrorOf(task)}\n");
        await File.WriteAllTextAsync(Path.Combine(root, "sneaky", "note.txt"), "note\n");
        File.CreateSymbolicLink(Path.Combine(root, "escape"), "/etc");
        File.CreateSymbolicLink(Path.Combine(root, "passwd"), "/etc/passwd");

        var commit = await h.Subtasks.CommitSubtaskAsync(subtask, new CommitRequest("evil subtask"), TestDefaults.TimeoutToken());
        var merge = await h.Subtasks.MergeSubtaskAsync(task, "evil", commit!.Commit, new CommitRequest("merge evil"), TestDefaults.TimeoutToken());

        Directory.EnumerateFileSystemEntries(canaries).ShouldBeEmpty();
        merge.Status.ShouldBe(SubtaskMergeStatus.Merged);
        var mirror = h.MirrorOf(task);
        var entries = GitCli.Run(mirror, "ls-tree", "-r", merge.HeadCommit).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        entries.ShouldNotContain(e => e.StartsWith("160000", StringComparison.Ordinal));
        entries.ShouldNotContain(e => e.EndsWith("/.git", StringComparison.Ordinal) || e.EndsWith("\t.git", StringComparison.Ordinal));
        entries.ShouldContain(e => e.StartsWith("100644", StringComparison.Ordinal) && e.EndsWith("\tvendor/lib/lib.txt", StringComparison.Ordinal));
        entries.ShouldContain(e => e.StartsWith("120000", StringComparison.Ordinal) && e.EndsWith("\tpasswd", StringComparison.Ordinal));
        entries.ShouldContain(e => e.StartsWith("120000", StringComparison.Ordinal) && e.EndsWith("\tescape", StringComparison.Ordinal));
        GitCli.Run(mirror, "show", merge.HeadCommit + ":passwd").ShouldBe("/etc/passwd");
        GitCli.Run(mirror, "show", merge.HeadCommit + ":feature.txt").ShouldBe("the real change\n");
        new FileInfo(Path.Combine(task.Path, "passwd")).LinkTarget.ShouldBe("/etc/passwd");
        File.ReadAllText(Path.Combine(task.Path, "feature.txt")).ShouldBe("the real change\n");
        File.Exists(Path.Combine(task.Path, ".git")).ShouldBeTrue();

        // The traps were live: ordinary git in that worktree falls into them.
        GitCli.TryRun(root, null, "status", "--porcelain");
        Directory.EnumerateFileSystemEntries(canaries).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task CompleteMergeAsync_ResolutionTurnsTheFileIntoALinkOrFifo_NeverReadOnTheHost()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        await File.WriteAllTextAsync(Path.Combine(task.Path, "shared.txt"), "one\n");
        var head = (await h.Tasks.CommitAsync(task, new CommitRequest("base"), TestDefaults.TimeoutToken()))!.Commit;
        var b = await h.Subtasks.PrepareSubtaskAsync(task, "b", head, TestDefaults.TimeoutToken());
        var c = await h.Subtasks.PrepareSubtaskAsync(task, "c", head, TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(b.Path, "shared.txt"), "b\n");
        await File.WriteAllTextAsync(Path.Combine(c.Path, "shared.txt"), "c\n");
        var bCommit = (await h.Subtasks.CommitSubtaskAsync(b, new CommitRequest("b"), TestDefaults.TimeoutToken()))!.Commit;
        var cCommit = (await h.Subtasks.CommitSubtaskAsync(c, new CommitRequest("c"), TestDefaults.TimeoutToken()))!.Commit;
        await h.Subtasks.MergeSubtaskAsync(task, "b", bCommit, new CommitRequest("b"), TestDefaults.TimeoutToken());
        await h.Subtasks.MergeSubtaskAsync(task, "c", cCommit, new CommitRequest("c"), TestDefaults.TimeoutToken());
        var shared = Path.Combine(task.Path, "shared.txt");
        File.Delete(shared);
        File.CreateSymbolicLink(shared, "/etc/passwd");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(task.Path, "pipe")]))
        {
            await mkfifo.WaitForExitAsync(TestDefaults.TimeoutToken());
        }

        var result = await h.Subtasks.CompleteMergeAsync(task, new CommitRequest("resolved as a link"), TestDefaults.TimeoutToken());

        result.Status.ShouldBe(SubtaskMergeStatus.Merged);
        GitCli.Run(h.MirrorOf(task), "show", result.HeadCommit + ":shared.txt").ShouldBe("/etc/passwd");
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a b")]
    [InlineData("-rf")]
    [InlineData("a/b")]
    [InlineData("x\ny")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task PrepareSubtaskAsync_MalformedSubtaskId_RefusedWithoutTouchingGit(string subtaskId)
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);

        var refused = await Should.ThrowAsync<ValidationException>(() => h.Subtasks.PrepareSubtaskAsync(task, subtaskId, head, TestDefaults.TimeoutToken()));

        refused.Message.ShouldContain("not a subtask id");
        Directory.Exists(Path.Combine(h.Data, "worktrees", task.TaskId + ".subtasks")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("--upload-pack=touch /tmp/x")]
    [InlineData("main")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567")]
    public async Task PrepareSubtaskAsync_FromCommitNotAnObjectId_Refused(string fromCommit)
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");

        await Should.ThrowAsync<ValidationException>(() => h.Subtasks.PrepareSubtaskAsync(task, "b", fromCommit, TestDefaults.TimeoutToken()));
    }

    [Fact]
    public async Task MergeSubtaskAsync_UnknownCommit_RefusedAndTheBranchStays()
    {
        using var h = Harness.Create();
        var task = await h.PrepareAsync("x");
        var head = await h.Subtasks.CurrentCommitAsync(task);

        var refused = await Should.ThrowAsync<WorkspaceException>(() => h.Subtasks.MergeSubtaskAsync(task, "b", new string('a', 40), new CommitRequest("m"), TestDefaults.TimeoutToken()));

        refused.Message.ShouldContain("not in the mirror");
        (await h.Subtasks.CurrentCommitAsync(task)).ShouldBe(head);
        (await h.Subtasks.ContainsCommitAsync(task, new string('a', 40))).ShouldBeFalse();
        (await h.Subtasks.ContainsCommitAsync(task, "HEAD")).ShouldBeFalse();
        (await h.Subtasks.HasCommitAsync(task, new string('a', 40))).ShouldBeFalse();
        (await h.Subtasks.HasCommitAsync(task, "HEAD")).ShouldBeFalse();
        (await h.Subtasks.HasCommitAsync(task, head)).ShouldBeTrue();
    }

    [Fact]
    public async Task SubtaskOperations_TaskNeverPrepared_SayToPrepareFirst()
    {
        using var h = Harness.Create();
        var ghost = new Workspace("01ghost", "/nowhere", "nightshift/ghost", "main", new string('0', 40), new Repositories.RepositoryRef(Repositories.RepositoryKind.LocalPath, "/nowhere", "k"));

        var refused = await Should.ThrowAsync<WorkspaceException>(() => h.Subtasks.PrepareSubtaskAsync(ghost, "b", new string('0', 40), TestDefaults.TimeoutToken()));
        await h.Subtasks.RemoveSubtaskAsync(new SubtaskWorkspace("01ghost", "b", "/nowhere", "x", "y"), TestDefaults.TimeoutToken());

        refused.Message.ShouldContain("prepare it first");
    }
}

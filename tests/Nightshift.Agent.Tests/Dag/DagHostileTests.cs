using System.Runtime.Versioning;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Execution;
using Nightshift.Core.Planning;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Agent.Tests.Dag;

/// <summary>
/// A subtask agent that plants git machinery in its worktree: its own <c>.git</c> folder with hooks and an fsmonitor,
/// filter and merge-driver attributes, a nested repository and links pointing out. Every trap drops a canary file if
/// it ever runs on the host.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DagHostileTests
{
    [Fact]
    public async Task RunAsync_SubtasksPlantHooksFiltersNestedRepositoriesAndLinks_NothingRunsOnTheHostAndOnlyFilesAreMerged()
    {
        using var h = await DagHarness.CreateAsync(("shared.txt", "one\ntwo\n"));
        var canaries = h.Repo.NewFolder("canaries");
        var script = Path.Combine(h.Repo.Root, "evil.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\ntouch '{canaries}'/\"$1\"\ncat\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var plan = new Plan([DagHarness.Step("b"), DagHarness.Step("c"), DagHarness.Step("d", "b", "c")]);
        string? bRoot = null;

        var result = await h.Runner().RunAsync(h.Request(plan, async (work, token) =>
        {
            var root = work.Workspace.Path;
            switch (work.Subtask.Id)
            {
                case "b":
                    bRoot = root;
                    PlantGitFolder(root, script);
                    await File.WriteAllTextAsync(Path.Combine(root, ".gitattributes"), "* filter=evil merge=evil diff=evil\n", token);
                    await File.WriteAllTextAsync(Path.Combine(root, "shared.txt"), "one\ntwo by b\n", token);
                    var nested = Path.Combine(root, "vendor");
                    Directory.CreateDirectory(nested);
                    GitCli.Run(nested, "init", "--quiet");
                    PlantHooks(Path.Combine(nested, ".git", "hooks"), script);
                    await File.WriteAllTextAsync(Path.Combine(nested, "lib.txt"), "vendored\n", token);
                    File.CreateSymbolicLink(Path.Combine(root, "escape"), "/");
                    break;
                case "c":
                    PlantGitFolder(root, script);
                    await File.WriteAllTextAsync(Path.Combine(root, "shared.txt"), "one\ntwo by c\n", token);
                    break;
                default:
                    await File.WriteAllTextAsync(Path.Combine(root, "d.txt"), "d\n", token);
                    break;
            }
            return SubtaskResult.Done(work, "planted");
        }, async (conflict, token) =>
        {
            await File.WriteAllTextAsync(Path.Combine(conflict.TaskPath, "shared.txt"), "one\ntwo by b and c\n", token);
            return true;
        }), TestDefaults.TimeoutToken());

        Directory.EnumerateFileSystemEntries(canaries).ShouldBeEmpty();
        result.Succeeded.ShouldBeTrue();
        result.ConflictsResolved.ShouldBe(1);
        var tree = GitCli.Run(h.Mirror, "ls-tree", "-r", result.HeadCommit).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        tree.ShouldNotContain(e => e.StartsWith("160000", StringComparison.Ordinal));
        tree.ShouldNotContain(e => e.Contains(".git/", StringComparison.Ordinal) || e.EndsWith("\t.git", StringComparison.Ordinal));
        tree.ShouldContain(e => e.StartsWith("100644", StringComparison.Ordinal) && e.EndsWith("\tvendor/lib.txt", StringComparison.Ordinal));
        tree.ShouldContain(e => e.StartsWith("120000", StringComparison.Ordinal) && e.EndsWith("\tescape", StringComparison.Ordinal));
        h.Show(result.HeadCommit, "shared.txt").ShouldBe("one\ntwo by b and c\n");
        new FileInfo(Path.Combine(h.Workspace.Path, "escape")).LinkTarget.ShouldBe("/");
        File.Exists(Path.Combine(h.Workspace.Path, ".git")).ShouldBeTrue();

        // The planted traps were live: plain git in such a worktree runs them.
        var probe = Path.Combine(h.Repo.Root, "probe");
        Directory.CreateDirectory(probe);
        PlantGitFolder(probe, script);
        GitCli.TryRun(probe, null, "status", "--porcelain");
        Directory.EnumerateFileSystemEntries(canaries).ShouldNotBeEmpty();
        bRoot.ShouldNotBeNull();
        Directory.Exists(bRoot).ShouldBeFalse();
    }

    /// <summary>Replaces the worktree's link to our mirror with a repository of its own, full of traps.</summary>
    private static void PlantGitFolder(string root, string script)
    {
        var dotGit = Path.Combine(root, ".git");
        if (File.Exists(dotGit))
        {
            File.Delete(dotGit);
        }
        GitCli.Run(root, "init", "--quiet");
        File.AppendAllText(Path.Combine(dotGit, "config"),
            $"[core]\n\tfsmonitor = \"{script} fsmonitor\"\n" +
            $"[filter \"evil\"]\n\tclean = \"{script} clean\"\n\tsmudge = \"{script} smudge\"\n\trequired = true\n" +
            $"[merge \"evil\"]\n\tdriver = \"{script} merge-driver %O %A %B\"\n" +
            $"[diff \"evil\"]\n\ttextconv = \"{script} textconv\"\n");
        PlantHooks(Path.Combine(dotGit, "hooks"), script);
    }

    private static void PlantHooks(string hooks, string script)
    {
        Directory.CreateDirectory(hooks);
        foreach (var hook in new[] { "pre-commit", "post-commit", "post-checkout", "post-merge", "pre-merge-commit", "reference-transaction", "post-index-change" })
        {
            var path = Path.Combine(hooks, hook);
            File.WriteAllText(path, $"#!/bin/sh\n'{script}' hook-{hook} </dev/null\nexit 0\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}

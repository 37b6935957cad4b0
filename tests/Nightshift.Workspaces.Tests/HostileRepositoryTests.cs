using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

/// <summary>
/// A repository whose config, hooks, attributes and submodules would each run a program if host-side git honoured
/// them; each trap touches a file in the canary folder, which must stay empty.
/// </summary>
public sealed class HostileRepositoryTests
{
    [Fact]
    public async Task PrepareCommitDiffPush_HostileRepositoryAndAgentWrittenGitConfig_ExecuteNothingAndPushToTheRealRemote()
    {
        using var h = Harness.Create();
        var trap = Trap.Create(h.Repo);
        CommitHostileContent(h, trap);
        var blob = h.Repo.Git("rev-parse", "HEAD:data.txt").Trim();
        h.Repo.Git("update-index", "--add", "--cacheinfo", $"160000,{blob},sub");
        h.Repo.Git("commit", "--quiet", "-m", "gitlink");
        h.Repo.Git("push", "--quiet", "origin", "HEAD:refs/heads/main");
        var decoy = Path.Combine(h.Repo.Root, "decoy.git");
        GitCli.Run(h.Repo.Root, "init", "--quiet", "--bare", decoy);
        trap.ArmRepository(h.Repo.RemotePath, isBare: true, decoy, h.Repo.RemotePath);
        await File.WriteAllTextAsync(Path.Combine(h.Repo.RemotePath, "objects", "info", "alternates"), Path.Combine(decoy, "objects") + "\n");

        var workspace = await h.PrepareAsync("hostile");
        // The spare checked out behind it is part of what must run nothing; it also has a folder in the mirror.
        await h.SparesSettledAsync();
        h.Spares(workspace).Count.ShouldBe(2);

        // What an agent that reaches the git data could do after preparation.
        var mirror = h.MirrorOf(workspace);
        trap.ArmConfigFile(Path.Combine(mirror, "config"), decoy, h.Repo.RemotePath);
        GitCli.Run(h.Data, "config", "--file", Path.Combine(mirror, "config"), "extensions.worktreeConfig", "true");
        var admin = File.ReadAllText(Path.Combine(workspace.Path, ".git")).Trim()["gitdir: ".Length..];
        trap.ArmConfigFile(Path.Combine(admin, "config.worktree"), decoy, h.Repo.RemotePath);
        File.Delete(Path.Combine(workspace.Path, ".git"));
        GitCli.Run(workspace.Path, "init", "--quiet");
        trap.ArmRepository(Path.Combine(workspace.Path, ".git"), isBare: false, decoy, h.Repo.RemotePath);
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "data.txt"), "changed by the agent\n");
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "new.txt"), "new file\n");

        var commit = await h.Tasks.CommitAsync(workspace, new CommitRequest("agent change"), TestDefaults.TimeoutToken());
        var diff = await h.Tasks.DiffAsync(workspace, TestDefaults.TimeoutToken());
        await h.Tasks.PushAsync(workspace, null, TestDefaults.TimeoutToken());

        trap.Triggered().ShouldBeEmpty();
        commit.ShouldNotBeNull();
        commit.ChangedPaths.ShouldBe(["data.txt", "new.txt"], ignoreOrder: true);
        h.Repo.RemoteBranch(workspace.Branch).ShouldBe(commit.Commit);
        h.Repo.RemoteGit("show", $"{commit.Commit}:data.txt").ShouldBe("changed by the agent\n");
        GitCli.Run(decoy, "for-each-ref").ShouldBeEmpty();
        diff.ShouldContain("+changed by the agent");
        File.ReadAllText(Path.Combine(mirror, "config")).ShouldNotContain("insteadOf", Case.Insensitive);

        // The traps were live: ordinary git in the worktree falls into them.
        GitCli.TryRun(workspace.Path, null, "status", "--porcelain");
        trap.Triggered().ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("link-to-dev-zero")]
    [InlineData("huge")]
    public async Task CommitAsync_MirrorConfigReplacedByASpecialFile_ConfigRestoredWithoutBlockingOrReadingItWhole(string kind)
    {
        using var h = Harness.Create();
        var workspace = await h.PrepareAsync("mirror config");
        // A spare checkout made in the background rewrites the mirror's config; let it finish first, or it can put the
        // file back between the delete and the replacement.
        await h.SparesSettledAsync();
        var config = Path.Combine(h.MirrorOf(workspace), "config");
        File.Delete(config);
        switch (kind)
        {
            case "fifo":
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [config]))
                {
                    await mkfifo.WaitForExitAsync(TestDefaults.TimeoutToken());
                    mkfifo.ExitCode.ShouldBe(0);
                }
                break;
            case "link-to-dev-zero":
                File.CreateSymbolicLink(config, "/dev/zero");
                break;
            default:
                using (var huge = File.Create(config))
                {
                    huge.SetLength(1L << 30);
                }
                break;
        }
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "data.txt"), "changed\n");

        var commit = await h.Tasks.CommitAsync(workspace, new CommitRequest("change"), TestDefaults.TimeoutToken());

        commit.ShouldNotBeNull();
        new FileInfo(config).LinkTarget.ShouldBeNull();
        File.ReadAllText(config).ShouldContain("bare = true");
        new FileInfo(config).Length.ShouldBeLessThan(1024);
    }

    [Fact]
    public async Task PrepareAsync_TakingASpareOfAHostileRepository_ExecutesNothing()
    {
        using var h = Harness.Create();
        var trap = Trap.Create(h.Repo);
        CommitHostileContent(h, trap);
        // The next task's base differs from the spare's, so the switch has files to write (through the filters, if
        // they ran).
        h.Repo.Git("checkout", "--quiet", "-b", "next");
        var next = h.Repo.Commit("next", ("data.txt", "next payload\n"), ("more.txt", "more\n"));
        h.Repo.Git("checkout", "--quiet", "main");
        var decoy = Path.Combine(h.Repo.Root, "decoy.git");
        GitCli.Run(h.Repo.Root, "init", "--quiet", "--bare", decoy);
        trap.ArmRepository(h.Repo.RemotePath, isBare: true, decoy, h.Repo.RemotePath);
        var first = await h.PrepareAsync("first");
        await h.SparesSettledAsync();
        // What an agent that reaches the git data could do before the next task takes the spare.
        var mirror = h.MirrorOf(first);
        trap.ArmConfigFile(Path.Combine(mirror, "config"), decoy, h.Repo.RemotePath);
        GitCli.Run(h.Data, "config", "--file", Path.Combine(mirror, "config"), "extensions.worktreeConfig", "true");
        foreach (var admin in Directory.GetDirectories(Path.Combine(mirror, "worktrees")))
        {
            trap.ArmConfigFile(Path.Combine(admin, "config.worktree"), decoy, h.Repo.RemotePath);
        }
        trap.ArmRepository(mirror, isBare: true, decoy, h.Repo.RemotePath);

        var second = await h.PrepareAsync("second", baseBranch: "next");
        await h.SparesSettledAsync();

        trap.Triggered().ShouldBeEmpty();
        h.Logger.Lines.ShouldContain(l => l.Contains("made from a spare worktree", StringComparison.Ordinal), string.Join("\n", h.Logger.Lines));
        second.BaseCommit.ShouldBe(next);
        File.ReadAllText(Path.Combine(second.Path, "data.txt")).ShouldBe("next payload\n");
        File.ReadAllText(Path.Combine(second.Path, "more.txt")).ShouldBe("more\n");
        GitCli.Run(h.Data, "--git-dir", mirror, "for-each-ref", "--format=%(refname)", "refs/heads/").ShouldContain("refs/heads/" + second.Branch);
        h.Spares(second).ShouldContain(s => s.EndsWith(".ready", StringComparison.Ordinal));

        // The traps were live: ordinary git switching that worktree runs the hooks planted in the mirror.
        GitCli.TryRun(second.Path, null, "checkout", "--quiet", "-b", "probe");
        trap.Triggered().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task PrepareCommitPush_HostileNamesTitlesAndMessages_StoredLiterallyAndExecuteNothing()
    {
        using var h = Harness.Create();
        var trap = Trap.Create(h.Repo);
        var dollar = $"feat/$(touch${{IFS}}{trap.Canaries}/branch-dollar)";
        var backtick = $"feat/`touch${{IFS}}{trap.Canaries}/branch-backtick`";
        h.Repo.Git("checkout", "--quiet", "-b", dollar);
        h.Repo.Commit("on a hostile branch name", ("x.txt", "x\n"));
        h.Repo.Git("checkout", "--quiet", "-b", backtick);
        h.Repo.Commit("on another", ("y.txt", "y\n"));
        var title = $"$(touch {trap.Canaries}/title) `touch {trap.Canaries}/title2`";
        var message = $"Fix $(touch {trap.Canaries}/message) and `touch {trap.Canaries}/message2`; echo $HOME";

        var fromDollar = await h.PrepareAsync(title, baseBranch: dollar);
        var fromBacktick = await h.PrepareAsync(title, baseBranch: backtick);
        await File.WriteAllTextAsync(Path.Combine(fromDollar.Path, "z.txt"), "z\n");
        var commit = await h.Tasks.CommitAsync(fromDollar, new CommitRequest(message, new CommitAuthor("$(touch x) `id`", "a@b")), TestDefaults.TimeoutToken());
        await h.Tasks.PushAsync(fromDollar, null, TestDefaults.TimeoutToken());

        trap.Triggered().ShouldBeEmpty();
        fromDollar.BaseBranch.ShouldBe(dollar);
        File.Exists(Path.Combine(fromBacktick.Path, "y.txt")).ShouldBeTrue();
        fromDollar.Branch.ShouldMatch("^nightshift/[a-z0-9]{8}-touch-tmp-nightshift-git-[a-z0-9-]+$");
        h.Repo.RemoteGit("log", "-1", "--format=%B", commit!.Commit).ShouldBe($"{message}\n\nNightshift-Task: {fromDollar.TaskId}\n\n");
        h.Repo.RemoteGit("log", "-1", "--format=%an", commit.Commit).Trim().ShouldBe("$(touch x) `id`");
    }

    /// <summary>A folder of canaries and a script that drops one named by its first argument (and passes stdin through).</summary>
    private sealed class Trap
    {
        private static readonly string[] Hooks =
        [
            "pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push", "post-checkout", "post-merge",
            "pre-receive", "update", "post-receive", "post-update", "push-to-checkout", "reference-transaction",
            "post-index-change", "pre-auto-gc", "fsmonitor-watchman",
        ];

        private Trap(string canaries, string script, string hooks)
        {
            Canaries = canaries;
            Script = script;
            HooksDir = hooks;
        }

        public string Canaries { get; }

        public string Script { get; }

        public string HooksDir { get; }

        public static Trap Create(TempGitRepo repo)
        {
            var canaries = repo.NewFolder("canaries");
            var script = Path.Combine(repo.Root, "evil.sh");
            File.WriteAllText(script, $"#!/bin/sh\ntouch '{canaries}'/\"$1\"\ncat\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var hooks = repo.NewFolder("evil-hooks");
            var trap = new Trap(canaries, script, hooks);
            trap.WriteHooks(hooks);
            return trap;
        }

        public IReadOnlyList<string> Triggered() => [.. Directory.EnumerateFileSystemEntries(Canaries).Select(Path.GetFileName)!];

        public void ArmRepository(string gitDir, bool isBare, string decoy, string realRemote)
        {
            ArmConfigFile(Path.Combine(gitDir, "config"), decoy, realRemote);
            WriteHooks(Path.Combine(gitDir, "hooks"));
            Directory.CreateDirectory(Path.Combine(gitDir, "info"));
            File.WriteAllText(Path.Combine(gitDir, "info", "attributes"), "* filter=evil diff=evil\n");
            _ = isBare;
        }

        public void ArmConfigFile(string file, string decoy, string realRemote)
        {
            var settings = new (string Key, string Value)[]
            {
                ("core.fsmonitor", $"{Script} fsmonitor"),
                ("core.hooksPath", HooksDir),
                ("core.sshCommand", $"{Script} ssh"),
                ("core.gitProxy", $"{Script} git-proxy"),
                ("core.pager", $"{Script} pager"),
                ("core.editor", $"{Script} editor"),
                ("core.askPass", $"{Script} askpass"),
                ("core.alternateRefsCommand", $"{Script} alternate-refs"),
                ("credential.helper", $"!{Script} credential-helper"),
                ("filter.evil.clean", $"{Script} clean"),
                ("filter.evil.smudge", $"{Script} smudge"),
                ("filter.evil.process", $"{Script} process"),
                ("filter.evil.required", "true"),
                ("diff.evil.textconv", $"{Script} textconv"),
                ("diff.evil.command", $"{Script} diff-command"),
                ("diff.external", $"{Script} diff-external"),
                ("uploadpack.packObjectsHook", $"{Script} pack-objects-hook"),
                ("receive.denyCurrentBranch", "updateInstead"),
                ($"url.{decoy}.insteadOf", realRemote),
                ($"url.{decoy}.pushInsteadOf", realRemote),
                ("remote.origin.url", decoy),
                ("include.path", Path.Combine(Path.GetDirectoryName(Script)!, "included.config")),
            };
            // Written as text: dozens of `git config` runs would make the test slow for nothing.
            var text = new System.Text.StringBuilder();
            foreach (var (key, value) in settings)
            {
                var section = key[..key.IndexOf('.', StringComparison.Ordinal)];
                var name = key[(key.LastIndexOf('.') + 1)..];
                var sub = key.Length > section.Length + name.Length + 2 ? key[(section.Length + 1)..key.LastIndexOf('.')] : null;
                text.Append(sub is null ? $"[{section}]\n" : $"[{section} \"{sub}\"]\n");
                text.Append($"\t{name} = \"{value}\"\n");
            }
            File.AppendAllText(file, text.ToString());
            GitCli.Run(Path.GetDirectoryName(file)!, "config", "--file", file, "--list");
        }

        private void WriteHooks(string dir)
        {
            Directory.CreateDirectory(dir);
            foreach (var hook in Hooks)
            {
                var path = Path.Combine(dir, hook);
                File.WriteAllText(path, $"#!/bin/sh\n'{Script}' hook-{hook} </dev/null\nexit 0\n");
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    /// <summary>Filters and diff drivers on every file, and a submodule whose URL would run a program.</summary>
    private static void CommitHostileContent(Harness h, Trap trap) =>
        h.Repo.Commit(
            "hostile content",
            (".gitattributes", "* filter=evil diff=evil\n"),
            (".gitmodules", $"[submodule \"sub\"]\n\tpath = sub\n\turl = ext::sh -c touch% {trap.Canaries}/submodule-url\n"),
            ("data.txt", "payload\n"));
}

using System.Diagnostics;
using Nightshift.Agent.Configuration;
using Nightshift.Bench.Fleet.Workload;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Fleet.Tests.Model;

/// <summary>The fleet's repositories: real bare remotes whose test passes on main and on good task files, and fails on a bad one.</summary>
public sealed class FleetRepositoriesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "nightshift-fleet-repos-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Create_MakesBareRemotesWithMain_NamedInOrder()
    {
        var remotes = FleetRepositories.Create(Path.Combine(_root, "repos"), 3);

        remotes.Keys.ShouldBe(["repo-1", "repo-2", "repo-3"]);
        foreach (var (name, bare) in remotes)
        {
            bare.ShouldBe(Path.Combine(_root, "repos", name + ".git"));
            GitCli.Run(bare, "rev-parse", "--is-bare-repository").Trim().ShouldBe("true");
            GitCli.Run(bare, "ls-tree", "--name-only", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .ShouldBe([".nightshift.yml", "README.md", "check.sh"], ignoreOrder: true);
        }
        Directory.GetDirectories(Path.Combine(_root, "repos")).Select(Path.GetFileName).ShouldBe(["repo-1.git", "repo-2.git", "repo-3.git"], ignoreOrder: true);
    }

    [Fact]
    public async Task Config_IsReadByTheEngine_AsOneTestCommand()
    {
        var clone = Clone(FleetRepositories.Create(Path.Combine(_root, "repos"), 1)["repo-1"]);

        var config = await RepoConfigParser.LoadAsync(clone, TestDefaults.TimeoutToken());

        config.Test.ShouldBe(["sh check.sh"]);
    }

    [Fact]
    public void Test_PassesOnMain_AndWithGoodFiles_FailsOnABadFirstLineNamingTheFile()
    {
        var clone = Clone(FleetRepositories.Create(Path.Combine(_root, "repos"), 1)["repo-1"]);

        Check(clone).ExitCode.ShouldBe(0, "main has no task files");

        File.WriteAllText(Path.Combine(clone, "ft0001-s1.txt"), "ft0001-s1\nstamp w1#3\n");
        File.WriteAllText(Path.Combine(clone, "ft0002-s4.txt"), "ft0002-s4");
        Check(clone).ExitCode.ShouldBe(0, "good files, one without a final newline");

        File.WriteAllText(Path.Combine(clone, "ft0003-s2.txt"), "ft0003-s1\nstamp w2#9\n");
        var bad = Check(clone);
        bad.ExitCode.ShouldNotBe(0);
        bad.Stderr.ShouldContain("ft0003-s2.txt");

        File.WriteAllText(Path.Combine(clone, "ft0003-s2.txt"), "");
        Check(clone).ExitCode.ShouldNotBe(0, "an empty (half-written) file fails too");
    }

    [Fact]
    public void Create_RefusesNoRepositories_AndAFolderThatHasThemAlready()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => FleetRepositories.Create(_root, 0)).Message.ShouldContain("--repos");
        FleetRepositories.Create(_root, 1);
        Should.Throw<InvalidOperationException>(() => FleetRepositories.Create(_root, 1)).Message.ShouldContain("already exists");
    }

    private string Clone(string bare)
    {
        var clone = Path.Combine(_root, "clone-" + Guid.NewGuid().ToString("N")[..6]);
        GitCli.Run(_root, "clone", "--quiet", bare, clone);
        return clone;
    }

    /// <summary>The repository's test command as the engine runs it: <c>sh -c</c> in the worktree.</summary>
    private static (int ExitCode, string Stderr) Check(string clone)
    {
        var start = new ProcessStartInfo("sh") { WorkingDirectory = clone, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("sh check.sh");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }
}

using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Git;

namespace Nightshift.Cli.Tests.Settings;

/// <summary>`up --allow-repo PATH`, and what a person is told when a local repository is not allowed.</summary>
public sealed class AllowRepoTests
{
    [Fact]
    public async Task Submit_LocalRepositoryNotAllowed_SaysHowToAllowItOnce()
    {
        using var repo = TempGitRepo.Create();
        await using var server = await ServerProcess.StartAsync(CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0"]);

        var result = await CliProcess.RunAsync(["submit", "--repo", repo.RemotePath, "change it", "--data", server.DataDirectory]);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        Occurrences(result.Stderr, "is not allowed").ShouldBe(1, result.Stderr);
        result.Stderr.ShouldContain("Repositories:AllowedRoots are (currently none)");
        result.Stderr.ShouldContain("nightshift up --allow-repo ");
        result.Stderr.ShouldContain("NIGHTSHIFT__Repositories__AllowedRoots__0=");
        result.Stderr.ShouldContain("\"AllowedRoots\"");
    }

    [Fact]
    public async Task Up_AllowRepo_LocalRepositoryUnderItIsAccepted()
    {
        using var repo = TempGitRepo.Create();
        await using var server = await ServerProcess.StartAsync(
            CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0", "--allow-repo", repo.Root, "--allow-repo", Path.GetTempPath()]);

        var result = await CliProcess.RunAsync(["submit", "--repo", repo.RemotePath, "change it", "--data", server.DataDirectory]);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stdout.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Up_AllowRepoOfAnotherFolder_StillRefusesRepositoriesOutsideIt()
    {
        using var repo = TempGitRepo.Create();
        using var elsewhere = TempGitRepo.Create();
        await using var server = await ServerProcess.StartAsync(
            CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0", "--allow-repo", repo.Root]);

        var result = await CliProcess.RunAsync(["submit", "--repo", elsewhere.RemotePath, "change it", "--data", server.DataDirectory]);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("is not allowed");
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("file")]
    [InlineData("blank")]
    [InlineData("control")]
    public async Task Up_AllowRepoNotAFolder_ExitsUsageSayingWhatToGive(string kind)
    {
        using var cli = new InProcessCli();
        var file = Path.Combine(cli.DataDirectory, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var (value, expected) = kind switch
        {
            "missing" => (Path.Combine(cli.DataDirectory, "no-such-folder"), "does not exist"),
            "file" => (file, "is a file"),
            "blank" => ("   ", "needs a folder"),
            _ => ("/tmp/a\u0001b", "needs a folder"),
        };

        var result = await cli.RunAsync("up", "--urls", "http://127.0.0.1:0", "--allow-repo", value);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("--allow-repo");
        result.Stderr.ShouldContain(expected);
        File.Exists(Path.Combine(cli.DataDirectory, "server.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task Worker_AllowRepoMissingFolder_ExitsUsage()
    {
        using var cli = new InProcessCli();

        var result = await cli.RunAsync("worker", "--allow-repo", Path.Combine(cli.DataDirectory, "nope"));

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("does not exist");
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}

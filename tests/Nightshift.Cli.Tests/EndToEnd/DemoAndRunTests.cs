using System.Text.Json;
using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Git;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>`nightshift demo` as a real process: real git, the real sandbox, the real verifier.</summary>
public sealed class DemoAndRunTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("ns-demo-cli-").FullName;

    [Fact]
    public async Task Demo_ReplaysTheRecordedSession_SaysSoAndEndsWithAPushedBranchWhoseTestsPass()
    {
        var result = await CliProcess.RunAsync(["demo", "--data", _data, "--json"], timeout: TimeSpan.FromMinutes(3));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stderr.ShouldContain("REPLAY: no model is called");
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var types = lines.Where(l => l.TryGetProperty("type", out _)).Select(l => l.GetProperty("type").GetString()).ToList();
        types.ShouldContain("verify.passed");
        types.ShouldContain("branch.pushed");
        var task = lines[^1];
        task.GetProperty("status").GetString().ShouldBe("succeeded");
        task.GetProperty("model").GetString().ShouldNotBeNull().ShouldStartWith("replay/");
        task.GetProperty("source").GetString().ShouldBe("demo-replay");
        var repo = task.GetProperty("repo").GetString()!;
        var branch = task.GetProperty("branch").GetString()!;
        GitCli.Run(repo, "show", $"{branch}:src/cart.mjs").ShouldContain("discountPercent / 100");
        GitCli.Run(repo, "rev-parse", "--abbrev-ref", "HEAD").Trim().ShouldBe("main");
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}

using System.Text.Json;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Commands;

public sealed class DoctorTests : IDisposable
{
    private const string Secret = "sk-this-must-never-be-printed";
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Doctor_Json_ReportsEveryCheckAndAgreesWithTheExitCode()
    {
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";
        cli.Variables["ANTHROPIC_API_KEY"] = Secret;

        var result = await cli.RunAsync("doctor", "--json");

        using var document = JsonDocument.Parse(result.Stdout);
        var checks = document.RootElement.GetProperty("checks").EnumerateArray().ToList();
        checks.Select(c => c.GetProperty("name").GetString()).ShouldBe(["git", "bwrap", "socat", "limits", "rg", "ctags", "store", "server", "models", "forges"]);
        checks.ShouldAllBe(c => new[] { "ok", "warn", "fail" }.Contains(c.GetProperty("status").GetString()));
        var anyFail = checks.Any(c => c.GetProperty("status").GetString() == "fail");
        result.ExitCode.ShouldBe(anyFail ? ExitCodes.TaskFailed : ExitCodes.Ok);
        document.RootElement.GetProperty("ok").GetBoolean().ShouldBe(!anyFail);
        var server = checks.Single(c => c.GetProperty("name").GetString() == "server");
        server.GetProperty("status").GetString().ShouldBe("warn");
        server.GetProperty("fix").GetString()!.ShouldContain("nightshift up");
        var models = checks.Single(c => c.GetProperty("name").GetString() == "models");
        models.GetProperty("detail").GetString()!.ShouldContain("ANTHROPIC_API_KEY");
        var limits = checks.Single(c => c.GetProperty("name").GetString() == "limits");
        limits.GetProperty("detail").GetString()!.ShouldContain("rlimits");
        if (limits.GetProperty("status").GetString() == "warn")
        {
            limits.GetProperty("fix").GetString()!.ShouldContain("Sandbox:RequireCgroupLimits");
        }
        result.Stdout.ShouldNotContain(Secret);
        result.Stderr.ShouldNotContain(Secret);
    }

    [Fact]
    public async Task Doctor_NoModelCredentials_WarnsWithWhatToSet()
    {
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";

        var result = await cli.RunAsync("doctor");

        result.Stdout.ShouldContain("warn  models");
        result.Stdout.ShouldContain("OPENAI_API_KEY");
    }

    [Fact]
    public async Task Doctor_ToolsMissingFromPath_FailsAndSaysWhatToInstall()
    {
        var data = Directory.CreateTempSubdirectory("ns-doctor-").FullName;
        try
        {
            var result = await CliProcess.RunAsync(
                ["doctor", "--data", data, "--server", "http://127.0.0.1:9"],
                new Dictionary<string, string?> { ["PATH"] = Path.Combine(data, "empty-bin") });

            result.ExitCode.ShouldBe(ExitCodes.TaskFailed, result.ToString());
            result.Stdout.ShouldContain("FAIL  git");
            result.Stdout.ShouldContain("apt-get install git");
            result.Stdout.ShouldContain("warn  socat");
            result.Stdout.ShouldContain("apt-get install socat");
            result.Stdout.ShouldContain("FAIL  bwrap");
            result.Stdout.ShouldContain("warn  rg");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Doctor_DataFolderNotWritable_FailsTheStoreCheck()
    {
        var file = Path.Combine(cli.DataDirectory, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");

        var result = await cli.RunAsync("doctor", "--data", Path.Combine(file, "data"), "--server", "http://127.0.0.1:9");

        result.ExitCode.ShouldBe(ExitCodes.TaskFailed, result.ToString());
        result.Stdout.ShouldContain("FAIL  store");
    }
}

using System.Text.Json;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>`nightshift up` as a real process, then the CLI against it with nothing configured but the data folder.</summary>
public sealed class UpCommandTests
{
    [Fact]
    public async Task Up_ServesTheApiUntilSigterm_AndTasksWithoutAModelFailSayingHowToChooseOne()
    {
        await using var server = await ServerProcess.StartAsync(CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}"]);
        var data = new[] { "--data", server.DataDirectory };

        var info = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "server.json")));
        info.RootElement.GetProperty("url").GetString().ShouldBe(server.Url.ToString().TrimEnd('/'));
        await TestKit.TestDefaults.WaitUntilAsync(() => server.Output.Contains("token", StringComparison.OrdinalIgnoreCase), "up prints where the token is");
        await TestKit.TestDefaults.WaitUntilAsync(() => server.Output.Contains("sandbox limits: ", StringComparison.Ordinal), "up says which sandbox limits are in force");
        server.Output.ShouldContain("rlimits");
        // stdout is redirected here, as under a service manager: where the token is, never the token or a link holding it.
        server.Output.ShouldContain(Path.Combine(server.DataDirectory, "token"));
        server.Output.ShouldNotContain(server.Token);
        server.Output.ShouldNotContain("#token=");
        server.Output.ShouldContain("--print-token");

        var run = await CliProcess.RunAsync(["submit", "--repo", "https://github.com/example/app", "fix the bug", "--follow", .. data]);

        run.ExitCode.ShouldBe(ExitCodes.TaskFailed, run.ToString());
        run.Stdout.ShouldContain("task.failed");
        run.Stdout.ShouldContain("set NIGHTSHIFT_MODEL");

        (await server.StopAsync()).ShouldBe(0, server.Output);
        File.Exists(Path.Combine(server.DataDirectory, "server.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task Up_PrintTokenWithStdoutRedirected_PrintsTheSignInLink()
    {
        await using var server = await ServerProcess.StartAsync(CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0", "--print-token"]);

        await TestKit.TestDefaults.WaitUntilAsync(() => server.Output.Contains("dashboard: ", StringComparison.Ordinal), "up prints the dashboard line");

        server.Output.ShouldContain("/signin#token=" + Uri.EscapeDataString(server.Token));
        // The server's own first-start line says where the new token went, not what it is.
        server.Output.Split('\n').Count(l => l.Contains(server.Token, StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task Up_PortAlreadyInUse_ExitsStartFailedNamingTheAddress()
    {
        await using var first = await ServerProcess.StartAsync(CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0"]);
        var other = Directory.CreateTempSubdirectory("ns-up-").FullName;
        try
        {
            var second = await CliProcess.RunAsync(["up", "--urls", first.Url.ToString(), "--data", other]);

            second.ExitCode.ShouldBe(ExitCodes.StartFailed, second.ToString());
            second.Stderr.ShouldContain(first.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task Ls_NoServerListening_ExitsThreeWithTheHint()
    {
        var data = Directory.CreateTempSubdirectory("ns-none-").FullName;
        try
        {
            var result = await CliProcess.RunAsync(["ls", "--data", data, "--server", "http://127.0.0.1:9"]);

            result.ExitCode.ShouldBe(ExitCodes.ServerUnreachable, result.ToString());
            result.Stderr.ShouldContain("nightshift up");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Submit_MissingArguments_AsAProcess_ExitsTwoWithUsage()
    {
        var result = await CliProcess.RunAsync(["submit", "--repo"]);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("usage: nightshift submit");
    }
}

using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Settings;

/// <summary>A bad setting stops `up` and `worker` before anything starts, with the setting's name in the message.</summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("""{ "Agent": { "Budget": { "MaxSteps": 0 } } }""", "Agent:Budget:MaxSteps is 0")]
    [InlineData("""{ "Agent": { "Dag": { "MaxParallelism": 99 } } }""", "Agent:Dag:MaxParallelism is 99")]
    [InlineData("""{ "Repositories": { "AllowedRoots": [ "relative/path" ] } }""", "Repositories:AllowedRoots:0 is 'relative/path'")]
    [InlineData("""{ "Workspaces": { "GitTimeout": "00:00:00" } }""", "Workspaces:GitTimeout is 00:00:00")]
    [InlineData("""{ "Sandbox": { "ReadyJails": -1 } }""", "Sandbox:ReadyJails")]
    [InlineData("""{ "Sandbox": { "DefaultLimits": { "OpenFiles": 3 } } }""", "Sandbox:DefaultLimits:OpenFiles is 3")]
    [InlineData("""{ "Storage": { "RetryJitter": 5 } }""", "RetryJitter is 5")]
    [InlineData("""{ "Sse": { "HeartbeatInterval": "00:00:00" } }""", "Sse:HeartbeatInterval is 00:00:00")]
    [InlineData("""{ "Api": { "MaxRequestBodyBytes": 10 } }""", "Api:MaxRequestBodyBytes is 10")]
    [InlineData("""{ "RateLimiting": { "Burst": 0 } }""", "RateLimiting:Burst is 0")]
    [InlineData("""{ "Agent": { "VerificationRounds": "many" } }""", "Agent:VerificationRounds")]
    [InlineData("""{ "Agent": { "Planning": "sometimes" } }""", "Agent:Planning")]
    [InlineData("""{ "Repositories": { "AllowPrivateAddresses": "perhaps" } }""", "Repositories:AllowPrivateAddresses")]
    public async Task Up_BadSettingInAppsettings_ExitsStartFailedNamingTheSetting(string appsettings, string expected)
    {
        using var cli = new InProcessCli();
        await File.WriteAllTextAsync(Path.Combine(cli.DataDirectory, "appsettings.json"), appsettings);

        var result = await cli.RunAsync("up", "--urls", "http://127.0.0.1:0", "--workers", "1");

        result.ExitCode.ShouldBe(ExitCodes.StartFailed, result.ToString());
        result.Stderr.ShouldContain("a setting is unusable, so nothing was started");
        result.Stderr.ShouldContain(expected);
        result.Stderr.ShouldContain("docs/configuration.md");
        result.Stdout.ShouldNotContain("API:");
        File.Exists(Path.Combine(cli.DataDirectory, "server.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task Up_SeveralBadSettings_NamesEveryOne()
    {
        using var cli = new InProcessCli();
        await File.WriteAllTextAsync(
            Path.Combine(cli.DataDirectory, "appsettings.json"),
            """{ "Agent": { "PlanAttempts": 0, "DebugModeAfter": 0 }, "RateLimiting": { "PermitsPerSecond": 0 } }""");

        var result = await cli.RunAsync("up", "--urls", "http://127.0.0.1:0");

        result.ExitCode.ShouldBe(ExitCodes.StartFailed, result.ToString());
        result.Stderr.ShouldContain("Agent:PlanAttempts is 0");
        result.Stderr.ShouldContain("Agent:DebugModeAfter is 0");
        result.Stderr.ShouldContain("RateLimiting:PermitsPerSecond is 0");
    }

    [Fact]
    public async Task Worker_BadSettingInAppsettings_ExitsStartFailedNamingTheSetting()
    {
        using var cli = new InProcessCli();
        await File.WriteAllTextAsync(Path.Combine(cli.DataDirectory, "appsettings.json"), """{ "Agent": { "Budget": { "MaxWallTime": "00:00:01" } } }""");

        var result = await cli.RunAsync("worker", "--slots", "1");

        result.ExitCode.ShouldBe(ExitCodes.StartFailed, result.ToString());
        result.Stderr.ShouldContain("Agent:Budget:MaxWallTime is 00:00:01");
        result.Stderr.ShouldContain("NIGHTSHIFT__Agent__Budget__MaxWallTime");
    }

    [Fact]
    public async Task Up_AsAProcess_BadSettingInTheEnvironment_ExitsStartFailedNamingTheSetting()
    {
        var data = Directory.CreateTempSubdirectory("ns-settings-").FullName;
        try
        {
            var result = await CliProcess.RunAsync(
                ["up", "--urls", "http://127.0.0.1:0", "--data", data],
                new Dictionary<string, string?> { ["NIGHTSHIFT__Agent__Budget__MaxCostUsd"] = "-1" });

            result.ExitCode.ShouldBe(ExitCodes.StartFailed, result.ToString());
            result.Stderr.ShouldContain("Agent:Budget:MaxCostUsd is -1");
            File.Exists(Path.Combine(data, "server.json")).ShouldBeFalse();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

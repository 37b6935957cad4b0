using System.Text.Json;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>A server whose every attempt fails at once, retried without waiting: tasks end dead after three attempts.</summary>
public sealed class FailingServer : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Nightshift.Server.TestHost.dll");
        Server = await ServerProcess.StartAsync(
            dll,
            ["--data", "{data}", "--urls", "http://127.0.0.1:0", "--executor", "throwing"],
            environment: new Dictionary<string, string?>
            {
                ["NIGHTSHIFT__Storage__RetryBaseDelay"] = "00:00:00",
                ["NIGHTSHIFT__Storage__RetryMaxDelay"] = "00:00:00",
            });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public Task<CliResult> CliAsync(params string[] args) => CliProcess.RunAsync([.. args, "--data", Server.DataDirectory]);
}

/// <summary><c>ls --status dead</c> and <c>retry</c> from the dead letter, through the built command against a real server.</summary>
public sealed class DeadLetterTests(FailingServer server) : IClassFixture<FailingServer>
{
    [Fact]
    public async Task LsStatusDead_ThenRetry_ListsTheDeadTaskWithItsReasonsAndQueuesItAgain()
    {
        var submitted = await server.CliAsync("submit", "--repo", "https://github.com/example/app", "always breaks", "--json");
        submitted.ExitCode.ShouldBe(ExitCodes.Ok, submitted.ToString());
        string id;
        using (var task = JsonDocument.Parse(submitted.Stdout))
        {
            id = task.RootElement.GetProperty("id").GetString()!;
        }

        await TestDefaults.WaitUntilAsync(
            async () =>
            {
                var dead = await server.CliAsync("ls", "--status", "dead", "--json");
                using var array = JsonDocument.Parse(dead.Stdout);
                return array.RootElement.EnumerateArray().Any(t => t.GetProperty("id").GetString() == id);
            },
            "the task ends dead");
        var listed = await server.CliAsync("ls", "--status", "dead");
        listed.ExitCode.ShouldBe(ExitCodes.Ok, listed.ToString());
        listed.Stdout.ShouldContain(id[^8..]);
        listed.Stdout.ShouldContain("dead");
        var shown = await server.CliAsync("show", id, "--json");
        using (var task = JsonDocument.Parse(shown.Stdout))
        {
            var error = task.RootElement.GetProperty("lastError").GetString().ShouldNotBeNull();
            error.ShouldContain("attempt 1:");
            error.ShouldContain("attempt 3:");
        }

        var retried = await server.CliAsync("retry", id[^8..]);

        retried.ExitCode.ShouldBe(ExitCodes.Ok, retried.ToString());
        retried.Stdout.ShouldContain("queued");
    }

    [Fact]
    public async Task LsStatus_UnknownStatus_IsAUsageErrorListingDead()
    {
        var result = await server.CliAsync("ls", "--status", "deceased");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("dead");
    }
}

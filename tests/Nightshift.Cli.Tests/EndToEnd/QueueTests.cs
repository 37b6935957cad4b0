using System.Text.Json;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>Cancel and retry against a real server with no worker, so tasks wait in the queue.</summary>
public sealed class QueueTests(QueueOnlyServer server) : IClassFixture<QueueOnlyServer>
{
    private async Task<string> SubmitAsync(string instruction)
    {
        var submitted = await server.CliAsync("submit", "--repo", "https://github.com/example/app", instruction, "--json");
        submitted.ExitCode.ShouldBe(ExitCodes.Ok, submitted.ToString());
        using var task = JsonDocument.Parse(submitted.Stdout);
        task.RootElement.GetProperty("status").GetString().ShouldBe("queued");
        return task.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task CancelThenRetry_WaitingTask_IsCancelledThenQueuedAgain()
    {
        var id = await SubmitAsync("wait for me");

        var cancelled = await server.CliAsync("cancel", id[^8..], "--reason", "changed my mind", "--json");
        cancelled.ExitCode.ShouldBe(ExitCodes.Ok, cancelled.ToString());
        using (var task = JsonDocument.Parse(cancelled.Stdout))
        {
            task.RootElement.GetProperty("status").GetString().ShouldBe("cancelled");
        }

        var again = await server.CliAsync("cancel", id);
        again.ExitCode.ShouldBe(ExitCodes.Conflict, again.ToString());

        var retried = await server.CliAsync("retry", id);
        retried.ExitCode.ShouldBe(ExitCodes.Ok, retried.ToString());
        retried.Stdout.ShouldContain("queued");
    }

    [Fact]
    public async Task LsStatusFilter_ShowsOnlyQueuedTasks()
    {
        var id = await SubmitAsync("filter me");

        var result = await server.CliAsync("ls", "--status", "queued", "--json", "--limit", "200");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        using var array = JsonDocument.Parse(result.Stdout);
        array.RootElement.EnumerateArray().ShouldAllBe(t => t.GetProperty("status").GetString() == "queued");
        array.RootElement.EnumerateArray().ShouldContain(t => t.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Ls_Piped_IsATableOf80ColumnsWithTheLongTitleCut()
    {
        var id = await SubmitAsync("Rewrite the settings loader so that every option is validated on start and the errors name the setting and what to do about it");

        var result = await server.CliAsync("ls", "--limit", "200");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldAllBe(l => l.Length <= 80);
        var header = lines[0];
        header.ShouldStartWith("ID  ");
        var row = lines.Single(l => l.StartsWith(id[^8..], StringComparison.Ordinal));
        row.ShouldContain("Rewrite the settings");
        row.ShouldContain("…");
        row[header.IndexOf("STATUS", StringComparison.Ordinal)..].ShouldStartWith("queued ");
        row[header.IndexOf("COST", StringComparison.Ordinal)..].ShouldBe("$0.00");
    }

    [Fact]
    public async Task Submit_SameIdempotencyKey_ReturnsTheFirstTask()
    {
        var key = Guid.NewGuid().ToString("n");
        var first = await server.CliAsync("submit", "--repo", "https://github.com/example/app", "once only", "--idempotency-key", key, "--json");
        var second = await server.CliAsync("submit", "--repo", "https://github.com/example/app", "once only", "--idempotency-key", key, "--json");

        using var a = JsonDocument.Parse(first.Stdout);
        using var b = JsonDocument.Parse(second.Stdout);
        b.RootElement.GetProperty("id").GetString().ShouldBe(a.RootElement.GetProperty("id").GetString());
        second.Stderr.ShouldContain("already submitted");
    }
}

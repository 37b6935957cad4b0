using System.Text.Json;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary><c>nightshift say</c> against a real server with no worker, so the task waits in the queue and keeps what it is told.</summary>
public sealed class SayTests(QueueOnlyServer server) : IClassFixture<QueueOnlyServer>
{
    private async Task<string> SubmitAsync(string instruction)
    {
        var submitted = await server.CliAsync("submit", "--repo", "https://github.com/example/app", instruction, "--json");
        submitted.ExitCode.ShouldBe(ExitCodes.Ok, submitted.ToString());
        using var task = JsonDocument.Parse(submitted.Stdout);
        return task.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Say_QueuedTask_KeepsTheMessageForTheAgent()
    {
        var id = await SubmitAsync("say something to me");

        var said = await server.CliAsync("say", id[^8..], "use the v2 endpoint\nnot v1", "--json");

        said.ExitCode.ShouldBe(ExitCodes.Ok, said.ToString());
        using (var task = JsonDocument.Parse(said.Stdout))
        {
            task.RootElement.GetProperty("id").GetString().ShouldBe(id);
            task.RootElement.GetProperty("status").GetString().ShouldBe("queued");
        }
        said.Stderr.ShouldContain("next step");
        var logs = await server.CliAsync("logs", id, "--json");
        logs.ExitCode.ShouldBe(ExitCodes.Ok, logs.ToString());
        logs.Stdout.ShouldContain("task.message");
        logs.Stdout.ShouldContain("use the v2 endpoint\\nnot v1");
    }

    [Fact]
    public async Task Say_EmptyOrOversizedText_IsAUsageErrorAndSendsNothing()
    {
        var id = await SubmitAsync("nothing to say");

        var empty = await server.CliAsync("say", id, "   ");
        var oversized = await server.CliAsync("say", id, new string('x', 8_001));
        var missing = await server.CliAsync("say", id);

        empty.ExitCode.ShouldBe(ExitCodes.Usage, empty.ToString());
        empty.Stderr.ShouldContain("empty");
        oversized.ExitCode.ShouldBe(ExitCodes.Usage, oversized.ToString());
        oversized.Stderr.ShouldContain("at most 8000");
        missing.ExitCode.ShouldBe(ExitCodes.Usage, missing.ToString());
        var logs = await server.CliAsync("logs", id, "--json");
        logs.Stdout.ShouldNotContain("task.message");
    }

    [Fact]
    public async Task Say_CancelledTaskOrUnknownId_ExitsWithConflictOrNotFound()
    {
        var id = await SubmitAsync("cancel me then talk");
        (await server.CliAsync("cancel", id)).ExitCode.ShouldBe(ExitCodes.Ok);

        var late = await server.CliAsync("say", id, "are you there?");
        var unknown = await server.CliAsync("say", "zzzzzzzz", "hello");

        late.ExitCode.ShouldBe(ExitCodes.Conflict, late.ToString());
        late.Stderr.ShouldContain("submit a new task");
        unknown.ExitCode.ShouldBe(ExitCodes.NotFound, unknown.ToString());
    }
}

using System.Text.Json;

namespace Nightshift.Cli.Tests.EndToEnd;

/// <summary>The CLI as a real process against a real server whose tasks succeed after a few events.</summary>
public sealed class SubmitAndFollowTests(ScriptedServer server) : IClassFixture<ScriptedServer>
{
    private const string Repo = "https://github.com/example/app";

    [Fact]
    public async Task SubmitFollow_TaskSucceeds_ShowsEachEventAndExitsZero()
    {
        var result = await server.CliAsync("submit", "--repo", Repo, "add a health check", "--follow");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stdout.ShouldContain("task.queued");
        result.Stdout.ShouldContain("tool.call");
        result.Stdout.ShouldContain("task.succeeded");
        result.Stdout.ShouldContain(" succeeded");
        result.Stdout.IndexOf("task.queued", StringComparison.Ordinal).ShouldBeLessThan(result.Stdout.IndexOf("task.succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SubmitFollowJson_StdoutIsOneJsonObjectPerLine_EventsInOrderThenTheTask()
    {
        var result = await server.CliAsync("submit", "--repo", Repo, "rename the module", "--follow", "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBeGreaterThan(2);
        var sequences = new List<long>();
        foreach (var line in lines[..^1])
        {
            using var e = JsonDocument.Parse(line);
            sequences.Add(e.RootElement.GetProperty("seq").GetInt64());
            e.RootElement.GetProperty("type").GetString().ShouldNotBeNullOrEmpty();
            e.RootElement.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Object);
        }
        sequences.ShouldBe(Enumerable.Range(1, sequences.Count).Select(i => (long)i).ToList());
        using var task = JsonDocument.Parse(lines[^1]);
        task.RootElement.GetProperty("status").GetString().ShouldBe("succeeded");
        result.Stderr.ShouldContain("submitted task");
    }

    [Fact]
    public async Task LsAndShow_FindTheSubmittedTask_ByFullAndShortId()
    {
        var submitted = await server.CliAsync("submit", "--repo", Repo, "document the API", "--json");
        submitted.ExitCode.ShouldBe(ExitCodes.Ok, submitted.ToString());
        using var created = JsonDocument.Parse(submitted.Stdout);
        var id = created.RootElement.GetProperty("id").GetString()!;
        var shortId = id[^8..];

        var list = await server.CliAsync("ls", "--limit", "50");
        list.ExitCode.ShouldBe(ExitCodes.Ok, list.ToString());
        list.Stdout.ShouldContain(shortId);
        list.Stdout.ShouldContain("document the API");

        var listJson = await server.CliAsync("ls", "--json", "--limit", "50");
        using var array = JsonDocument.Parse(listJson.Stdout);
        array.RootElement.EnumerateArray().ShouldContain(t => t.GetProperty("id").GetString() == id);

        var byShort = await server.CliAsync("show", shortId);
        byShort.ExitCode.ShouldBe(ExitCodes.Ok, byShort.ToString());
        byShort.Stdout.ShouldContain(id);
        byShort.Stdout.ShouldContain(Repo);

        var byFull = await server.CliAsync("show", id, "--json");
        byFull.ExitCode.ShouldBe(ExitCodes.Ok, byFull.ToString());
        using var shown = JsonDocument.Parse(byFull.Stdout);
        shown.RootElement.GetProperty("id").GetString().ShouldBe(id);
    }

    [Fact]
    public async Task Retry_SucceededTask_ExitsConflictWithTheServersReason()
    {
        var submitted = await server.CliAsync("submit", "--repo", Repo, "tidy imports", "--follow", "--json");
        submitted.ExitCode.ShouldBe(ExitCodes.Ok, submitted.ToString());
        using var task = JsonDocument.Parse(submitted.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        var id = task.RootElement.GetProperty("id").GetString()!;

        var result = await server.CliAsync("retry", id);

        result.ExitCode.ShouldBe(ExitCodes.Conflict, result.ToString());
        result.Stderr.ShouldStartWith("error: ");
        result.Stderr.ShouldContain("succeeded");
    }

    [Fact]
    public async Task Logs_FinishedTask_ListsItsEventsAndExitsZero()
    {
        var submitted = await server.CliAsync("submit", "--repo", Repo, "speed up the build", "--follow", "--json");
        using var task = JsonDocument.Parse(submitted.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        var shortId = task.RootElement.GetProperty("id").GetString()![^8..];

        var result = await server.CliAsync("logs", shortId);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stdout.ShouldContain("task.queued");
        result.Stdout.ShouldContain("task.succeeded");
    }

    [Fact]
    public async Task Show_UnknownId_ExitsFourWithAMessage()
    {
        var result = await server.CliAsync("show", "01jcq5v1x0zzzzzzzzzzzzzzzz");

        result.ExitCode.ShouldBe(ExitCodes.NotFound, result.ToString());
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("error: ");
        result.Stderr.ShouldContain("01jcq5v1x0zzzzzzzzzzzzzzzz");
    }

    [Fact]
    public async Task Ls_WrongToken_ExitsFiveAndSaysWhereTheTokenCameFrom()
    {
        var result = await server.CliAsync("ls", "--token", "ns_definitely-not-the-token");

        result.ExitCode.ShouldBe(ExitCodes.Unauthorized, result.ToString());
        result.Stderr.ShouldContain("--token");
    }

    [Fact]
    public async Task Submit_ServerRejectsTheInput_ExitsTwoWithTheFieldErrors()
    {
        var result = await server.CliAsync("submit", "--repo", Repo, "x", "--base", "../../etc");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("baseBranch");
    }

    [Fact]
    public async Task Doctor_WithTheServersData_FindsTheServerAndAcceptsItsToken()
    {
        var result = await server.CliAsync("doctor", "--json");

        using var report = JsonDocument.Parse(result.Stdout);
        var check = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "server");
        check.GetProperty("status").GetString().ShouldBe("ok", result.ToString());
    }
}

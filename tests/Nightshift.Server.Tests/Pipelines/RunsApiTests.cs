using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Teams;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Tests.Teams;
using Nightshift.Storage.Pipelines;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary><c>/api/v1/runs</c> over real HTTP on a real server and store; runs are moved as the coordinator would move them.</summary>
public sealed class RunsApiTests
{
    private static async Task<(TempDirectory Data, RunningServer Server)> StartWithPipelineAsync()
    {
        var data = new TempDirectory();
        var server = await PipelineApiServer.StartAsync(data);
        (await PipelineApiServer.RegisterAsync(server.Client, PipelineApiServer.LintFixTest)).StatusCode.ShouldBe(HttpStatusCode.Created);
        return (data, server);
    }

    [Fact]
    public async Task Start_RegisteredPipeline_SnapshotsItFillsDefaultsAndShowsEveryStepPending()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;

        using var response = await server.Client.PostAsJsonAsync("/api/v1/runs", new { pipeline = "lint-fix-test", inputs = new { package = "left-pad" } });

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var run = await ApiCalls.ReadJsonAsync(response);
        var id = run.GetProperty("id").GetString()!;
        response.Headers.Location!.ToString().ShouldBe("/api/v1/runs/" + id);
        run.GetProperty("state").GetString().ShouldBe("queued");
        run.GetProperty("repo").GetString().ShouldBe(PipelineApiServer.Repo);
        run.GetProperty("branch").GetString()!.ShouldStartWith("nightshift/run-");
        run.GetProperty("inputs").GetProperty("package").GetString().ShouldBe("left-pad");
        run.GetProperty("inputs").GetProperty("level").GetString().ShouldBe("strict");
        var steps = run.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("name").GetString()).ShouldBe(["lint", "fix", "test"]);
        steps.ShouldAllBe(s => s.GetProperty("state").GetString() == "pending");
        steps[0].GetProperty("kind").GetString().ShouldBe("command");
        steps[1].GetProperty("condition").GetString().ShouldBe("steps.lint.output.error_count > 0");
        steps[2].GetProperty("dependsOn")[0].GetString().ShouldBe("fix");
        (await server.Pipelines().FindRunAsync(OrgIds.Default, id))!.Yaml.ShouldBe(PipelineApiServer.LintFixTest);
    }

    [Fact]
    public async Task Start_RepeatedIdempotencyKey_Returns200WithTheFirstRun()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        var body = new { pipeline = "lint-fix-test", inputs = new { package = "left-pad" }, idempotencyKey = "nightly-42" };

        using var first = await server.Client.PostAsJsonAsync("/api/v1/runs", body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs") { Content = JsonContent.Create(new { pipeline = "lint-fix-test", inputs = new { package = "left-pad" } }) };
        request.Headers.Add("Idempotency-Key", "nightly-42");
        using var second = await server.Client.SendAsync(request);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiCalls.ReadJsonAsync(second)).GetProperty("id").GetString().ShouldBe((await ApiCalls.ReadJsonAsync(first)).GetProperty("id").GetString());
        (await server.Pipelines().ListRunsAsync(OrgIds.Default, null, null, 10)).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"pipeline":"lint-fix-test"}""", "inputs", "package")]
    [InlineData("""{"pipeline":"lint-fix-test","inputs":{"package":"x","colour":"blue"}}""", "inputs", "colour")]
    [InlineData("""{"pipeline":"lint-fix-test","inputs":{"package":{"a":1}}}""", "inputs", "string")]
    [InlineData("""{"pipeline":"lint-fix-test","inputs":{"package":"a\u0000b"}}""", "inputs", "control")]
    [InlineData("""{"pipeline":"lint-fix-test","inputs":{"bad name":"x"}}""", "inputs", "not an input name")]
    [InlineData("""{"pipeline":"../../../etc/passwd","repo":"https://github.com/example/app"}""", "pipeline", "not a pipeline name")]
    [InlineData("""{"repo":"https://github.com/example/app"}""", "pipeline", "required")]
    [InlineData("""{"pipeline":"from-repo"}""", "repo", "required")]
    [InlineData("""{"pipeline":"from-repo","repo":"https://github.com/example/app","baseBranch":"-x"}""", "baseBranch", "branch")]
    [InlineData("""{"pipeline":"lint-fix-test","inputs":{"package":"x"},"state":"succeeded"}""", "state", "not one this route accepts")]
    [InlineData("""{"pipeline":"lint-fix-test","inputs":{"package":"x"},"id":"01jcq5v1x0aaaaaaaa66666666"}""", "id", "set by the server")]
    [InlineData("""{"pipeline":"lint-fix-test","inputs":{"package":"x"},"yaml":"name: evil"}""", "yaml", "not one this route accepts")]
    [InlineData("""{"pipeline":42}""", "pipeline", "wrong type")]
    public async Task Start_BadBody_Is400NamingTheField(string body, string field, string says)
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;

        using var response = await server.Client.PostAsync("/api/v1/runs", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out var messages).ShouldBeTrue(problem.ToString());
        string.Join(" ", messages.EnumerateArray().Select(m => m.GetString())).ShouldContain(says, Case.Insensitive);
        (await server.Pipelines().ListRunsAsync(OrgIds.Default, null, null, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Start_OverlongInputOrTooManyInputs_Is400()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;

        using var overlong = await server.Client.PostAsJsonAsync("/api/v1/runs", new { pipeline = "lint-fix-test", inputs = new { package = new string('x', PipelineInput.MaxValueLength + 1) } });
        using var many = await server.Client.PostAsJsonAsync("/api/v1/runs", new { pipeline = "from-repo", repo = PipelineApiServer.Repo, inputs = Enumerable.Range(0, 51).ToDictionary(i => "i" + i, i => "v") });

        (await ApiCalls.ShouldBeProblemAsync(overlong, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!.ShouldContain(PipelineInput.MaxValueLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ApiCalls.ShouldBeProblemAsync(many, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Start_RepositoryPipeline_HasNoSnapshotAndNoStepsUntilTheCoordinatorReadsIt()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        var run = await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "nightly", repo = PipelineApiServer.Repo, baseBranch = "develop", inputs = new { anything = "goes", count = 3, flag = true } });

        run.GetProperty("pipelineId").ValueKind.ShouldBe(JsonValueKind.Null);
        run.GetProperty("baseBranch").GetString().ShouldBe("develop");
        run.GetProperty("inputs").GetProperty("count").GetString().ShouldBe("3");
        run.GetProperty("inputs").GetProperty("flag").GetString().ShouldBe("true");
        run.GetProperty("steps").GetArrayLength().ShouldBe(0);
        (await server.Pipelines().FindRunAsync(OrgIds.Default, run.GetProperty("id").GetString()!))!.Yaml.ShouldBeNull();
    }

    [Fact]
    public async Task Start_RepoTheOrganisationMayNotUse_Is403AndNothingStarts()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);
        await TeamSetup.OrgAsync(server.Store, "acme", "https://github.com/acme/*");
        var member = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Member);
        using var client = server.CreateClient(member.Token);

        using var refused = await client.PostAsJsonAsync("/api/v1/runs", new { pipeline = "nightly", repo = "https://github.com/acme-evil/app" });
        using var allowed = await client.PostAsJsonAsync("/api/v1/runs", new { pipeline = "nightly", repo = "https://github.com/acme/app" });

        (await ApiCalls.ShouldBeProblemAsync(refused, HttpStatusCode.Forbidden)).GetProperty("detail").GetString()!.ShouldContain("allowedRepos");
        allowed.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await server.Pipelines().ListRunsAsync("acme", null, null, 10)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Runs_OfAnotherOrganisation_Are404LikeMissingOnes()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        await TeamSetup.OrgAsync(server.Store, "globex");
        var other = await TeamSetup.MemberAsync(server.Store, "globex", TeamRole.Admin);
        using var elsewhere = server.CreateClient(other.Token);
        var id = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "x" } })).GetProperty("id").GetString()!;
        var missing = Core.Tasks.TaskId.New(TimeProvider.System);

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/v1/runs/{{0}}"),
            (HttpMethod.Get, $"/api/v1/runs/{{0}}/events"),
            (HttpMethod.Post, $"/api/v1/runs/{{0}}/cancel"),
            (HttpMethod.Post, $"/api/v1/runs/{{0}}/steps/test/approve"),
            (HttpMethod.Post, $"/api/v1/runs/{{0}}/steps/test/reject"),
        })
        {
            using var foreign = await elsewhere.SendAsync(new HttpRequestMessage(method, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, id)) { Content = method == HttpMethod.Post ? ApiCalls.Json("{}") : null });
            using var absent = await elsewhere.SendAsync(new HttpRequestMessage(method, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, missing)) { Content = method == HttpMethod.Post ? ApiCalls.Json("{}") : null });
            var foreignDetail = (await ApiCalls.ShouldBeProblemAsync(foreign, HttpStatusCode.NotFound)).GetProperty("detail").GetString()!;
            var absentDetail = (await ApiCalls.ShouldBeProblemAsync(absent, HttpStatusCode.NotFound)).GetProperty("detail").GetString()!;
            foreignDetail.Replace(id, missing, StringComparison.Ordinal).ShouldBe(absentDetail, $"{method} {path}");
        }
        using var list = await elsewhere.GetAsync("/api/v1/runs");
        (await ApiCalls.ReadJsonAsync(list)).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await server.Pipelines().FindRunAsync(OrgIds.Default, id))!.CancelRequested.ShouldBeFalse();
    }

    [Fact]
    public async Task List_FiltersByPipelineAndState_AndRefusesBadFilters()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        var first = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "x" } })).GetProperty("id").GetString()!;
        await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "nightly", repo = PipelineApiServer.Repo });
        await PipelineApiServer.ApplyAsync(server, first, new RunChange { State = RunState.Running, StartedAt = DateTimeOffset.UtcNow });

        using var all = await server.Client.GetAsync("/api/v1/runs");
        using var byPipeline = await server.Client.GetAsync("/api/v1/runs?pipeline=nightly");
        using var running = await server.Client.GetAsync("/api/v1/runs?state=running&limit=5");
        using var badState = await server.Client.GetAsync("/api/v1/runs?state=done");
        using var badLimit = await server.Client.GetAsync("/api/v1/runs?limit=100000");
        using var badName = await server.Client.GetAsync("/api/v1/runs?pipeline=..%2F..");

        (await ApiCalls.ReadJsonAsync(all)).GetProperty("items").GetArrayLength().ShouldBe(2);
        (await ApiCalls.ReadJsonAsync(all)).GetProperty("items")[0].GetProperty("steps").ValueKind.ShouldBe(JsonValueKind.Null);
        (await ApiCalls.ReadJsonAsync(byPipeline)).GetProperty("items").EnumerateArray().Single().GetProperty("pipeline").GetString().ShouldBe("nightly");
        (await ApiCalls.ReadJsonAsync(running)).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe(first);
        (await ApiCalls.ShouldBeProblemAsync(badState, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!.ShouldContain("needs_review");
        await ApiCalls.ShouldBeProblemAsync(badLimit, HttpStatusCode.BadRequest);
        await ApiCalls.ShouldBeProblemAsync(badName, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_MergesRowsWithTheDefinition_OutputAsJsonAndReasons()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        var id = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "x" } })).GetProperty("id").GetString()!;
        await PipelineApiServer.ApplyAsync(server, id, new RunChange
        {
            State = RunState.Running,
            Steps =
            [
                PipelineApiServer.Step(id, "lint", StepState.Succeeded, output: """{"error_count": 0, "errors": []}"""),
                PipelineApiServer.Step(id, "fix", StepState.Skipped, reason: "its condition steps.lint.output.error_count > 0 is false"),
            ],
        });

        using var response = await server.Client.GetAsync($"/api/v1/runs/{id}");

        var run = await ApiCalls.ReadJsonAsync(response);
        run.GetProperty("state").GetString().ShouldBe("running");
        var steps = run.GetProperty("steps");
        steps[0].GetProperty("state").GetString().ShouldBe("succeeded");
        steps[0].GetProperty("output").GetProperty("error_count").GetInt32().ShouldBe(0);
        steps[1].GetProperty("state").GetString().ShouldBe("skipped");
        steps[1].GetProperty("reason").GetString()!.ShouldContain("is false");
        steps[2].GetProperty("state").GetString().ShouldBe("pending");
        steps[2].GetProperty("output").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task ApproveReject_OnlyAStepThatWaits_Else409_AndUnknownStepIs404()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        var first = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "x" } })).GetProperty("id").GetString()!;
        var second = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "y" } })).GetProperty("id").GetString()!;
        foreach (var id in new[] { first, second })
        {
            await PipelineApiServer.ApplyAsync(server, id, new RunChange
            {
                State = RunState.AwaitingApproval,
                Steps = [PipelineApiServer.Step(id, "test", StepState.AwaitingApproval)],
                Events = [PipelineApiServer.Event(EventTypes.StepAwaitingApproval, new { step = "test" })],
            });
        }

        using var early = await server.Client.PostAsync($"/api/v1/runs/{first}/steps/lint/approve", null);
        using var unknown = await server.Client.PostAsync($"/api/v1/runs/{first}/steps/deploy/approve", null);
        using var hostile = await server.Client.PostAsync($"/api/v1/runs/{first}/steps/{Uri.EscapeDataString("../x")}/approve", null);
        using var approved = await server.Client.PostAsync($"/api/v1/runs/{first}/steps/test/approve", null);
        using var twice = await server.Client.PostAsync($"/api/v1/runs/{first}/steps/test/approve", null);
        using var rejected = await server.Client.PostAsJsonAsync($"/api/v1/runs/{second}/steps/test/reject", new { reason = "not tonight" });
        using var overlong = await server.Client.PostAsJsonAsync($"/api/v1/runs/{second}/steps/test/reject", new { reason = new string('x', 2_001) });
        using var unknownField = await server.Client.PostAsJsonAsync($"/api/v1/runs/{second}/steps/test/reject", new { because = "x" });

        (await ApiCalls.ShouldBeProblemAsync(early, HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("pending");
        await ApiCalls.ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(hostile, HttpStatusCode.NotFound);
        approved.StatusCode.ShouldBe(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        var test = (await ApiCalls.ReadJsonAsync(approved)).GetProperty("steps")[2];
        test.GetProperty("state").GetString().ShouldBe("pending");
        test.GetProperty("decidedBy").GetString().ShouldNotBeNullOrEmpty();
        await ApiCalls.ShouldBeProblemAsync(twice, HttpStatusCode.Conflict);
        rejected.StatusCode.ShouldBe(HttpStatusCode.OK);
        var skipped = (await ApiCalls.ReadJsonAsync(rejected)).GetProperty("steps")[2];
        skipped.GetProperty("state").GetString().ShouldBe("skipped");
        skipped.GetProperty("reason").GetString()!.ShouldContain("not tonight");
        (await ApiCalls.ShouldBeProblemAsync(overlong, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!.ShouldContain("2000");
        await ApiCalls.ShouldBeProblemAsync(unknownField, HttpStatusCode.BadRequest);
        var events = await server.Pipelines().ReadRunEventsAsync(first, 0, 100);
        events.Select(e => e.Type).ShouldContain(EventTypes.StepApproved);
    }

    [Fact]
    public async Task Cancel_Unfinished_Is202AndMarksIt_Finished_Is409()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        var open = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "x" } })).GetProperty("id").GetString()!;
        var done = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "y" } })).GetProperty("id").GetString()!;
        await PipelineApiServer.ApplyAsync(server, done, new RunChange { State = RunState.Succeeded, FinishedAt = DateTimeOffset.UtcNow });

        using var cancelled = await server.Client.PostAsync($"/api/v1/runs/{open}/cancel", null);
        using var ended = await server.Client.PostAsync($"/api/v1/runs/{done}/cancel", null);
        using var malformed = await server.Client.PostAsync("/api/v1/runs/not-a-run/cancel", null);

        cancelled.StatusCode.ShouldBe(HttpStatusCode.Accepted, await cancelled.Content.ReadAsStringAsync());
        (await ApiCalls.ReadJsonAsync(cancelled)).GetProperty("cancelRequested").GetBoolean().ShouldBeTrue();
        (await server.Pipelines().FindRunAsync(OrgIds.Default, open))!.CancelRequested.ShouldBeTrue();
        (await ApiCalls.ShouldBeProblemAsync(ended, HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("succeeded");
        await ApiCalls.ShouldBeProblemAsync(malformed, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Events_StreamResumesAfterLastEventId_AndEndsAfterTheFinalRunEvent()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        var id = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "x" } })).GetProperty("id").GetString()!;
        await PipelineApiServer.ApplyAsync(server, id, new RunChange
        {
            State = RunState.Running,
            Events =
            [
                PipelineApiServer.Event(EventTypes.RunStarted, new { pipeline = "lint-fix-test", branch = "nightshift/run-x" }),
                PipelineApiServer.Event(EventTypes.StepStarted, new { step = "lint", kind = "command" }),
                PipelineApiServer.Event(EventTypes.StepSucceeded, new { step = "lint", output = new { note = "line\nbreak" } }),
            ],
        });

        using var response = await SseReader.OpenAsync(server.Client, $"/api/v1/runs/{id}/events", lastEventId: "1");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var received = new List<SseEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in SseReader.ReadAsync(response, TestKit.TestDefaults.TimeoutToken()))
            {
                received.Add(e);
            }
        });
        await TestKit.TestDefaults.WaitUntilAsync(() => received.Count >= 2, "the two events after Last-Event-ID 1 arrive");
        await PipelineApiServer.ApplyAsync(server, id, new RunChange
        {
            State = RunState.Succeeded,
            FinishedAt = DateTimeOffset.UtcNow,
            Events = [PipelineApiServer.Event(EventTypes.RunSucceeded, new { pipeline = "lint-fix-test" })],
        });
        await reading.WaitAsync(TestKit.TestDefaults.Timeout);

        received.Select(e => e.Id).ShouldBe([2L, 3L, 4L]);
        received.Select(e => e.Event).ShouldBe([EventTypes.StepStarted, EventTypes.StepSucceeded, EventTypes.RunSucceeded]);
        received[1].Json.GetProperty("data").GetProperty("output").GetProperty("note").GetString().ShouldBe("line\nbreak");
        received[1].Json.GetProperty("runId").GetString().ShouldBe(id);
        using var json = await server.Client.GetAsync($"/api/v1/runs/{id}/events?after=2&limit=1");
        var page = await ApiCalls.ReadJsonAsync(json);
        page.GetArrayLength().ShouldBe(1);
        page[0].GetProperty("seq").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task Events_OfAFinishedRun_ReplayAndEnd_BadLastEventIdIs400()
    {
        var (data, server) = await StartWithPipelineAsync();
        using var _ = data;
        await using var __ = server;
        var id = (await PipelineApiServer.StartRunAsync(server.Client, new { pipeline = "lint-fix-test", inputs = new { package = "x" } })).GetProperty("id").GetString()!;
        await PipelineApiServer.ApplyAsync(server, id, new RunChange
        {
            State = RunState.Failed,
            FinishedAt = DateTimeOffset.UtcNow,
            Events = [PipelineApiServer.Event(EventTypes.RunStarted, new { pipeline = "lint-fix-test" }), PipelineApiServer.Event(EventTypes.RunFailed, new { reason = "lint failed" })],
        });

        using var response = await SseReader.OpenAsync(server.Client, $"/api/v1/runs/{id}/events");
        var all = new List<SseEvent>();
        await foreach (var e in SseReader.ReadAsync(response, TestKit.TestDefaults.TimeoutToken()))
        {
            all.Add(e);
        }
        using var bad = await SseReader.OpenAsync(server.Client, $"/api/v1/runs/{id}/events", lastEventId: "-1; DROP TABLE runs");

        all.Select(e => e.Event).ShouldBe([EventTypes.RunStarted, EventTypes.RunFailed]);
        await ApiCalls.ShouldBeProblemAsync(bad, HttpStatusCode.BadRequest);
    }
}

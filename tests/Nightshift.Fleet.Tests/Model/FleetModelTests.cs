using System.Net;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Workload;
using Nightshift.TestKit;
using static Nightshift.Fleet.Tests.Model.EngineShapedRequests;

namespace Nightshift.Fleet.Tests.Model;

/// <summary>The fleet's model over real HTTP on 127.0.0.1: answers by content, stamps, logs, and its faults.</summary>
public sealed class FleetModelTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<FleetTaskSpec> Specs = FleetWorkload.Generate(seed: 7, count: 10, ["/repos/repo-1.git"]);
    private readonly HttpClient _http = new() { Timeout = TestDefaults.Timeout };
    private FleetModel _model = null!;

    public async Task InitializeAsync()
    {
        _model = await FleetModel.StartAsync();
        _model.Register(Specs);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _model.DisposeAsync();
    }

    private static FleetTaskSpec Of(FleetTaskKind kind) => Specs.First(s => s.Kind == kind);

    [Fact]
    public async Task PlanRequest_Streamed_AnswersTheSpecsPlan_AndLogsAPlanCall()
    {
        var spec = Of(FleetTaskKind.Planned);

        using var response = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var (name, arguments) = (await ToolCallsAsync(response)).ShouldHaveSingleItem();
        name.ShouldBe("submit_plan");
        var subtasks = arguments.GetProperty("subtasks").EnumerateArray().ToList();
        subtasks.Select(s => s.GetProperty("id").GetString()).ShouldBe(["s1", "s2", "s3", "s4"]);
        subtasks[3].GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()).ShouldBe(["s2", "s3"]);
        subtasks[1].GetProperty("files")[0].GetString().ShouldBe($"{spec.Marker}-s2.txt");
        var call = _model.Calls.ShouldHaveSingleItem();
        call.ShouldBe(call with { Worker = "w1", Marker = spec.Marker, Subtask = null, Kind = ModelCallKind.Plan, Status = 200, Stamp = $"w1#{call.Number}" });
    }

    [Fact]
    public async Task BuildStart_WritesTheSubtasksFile_WithItsNameAndTheStamp()
    {
        var spec = Of(FleetTaskKind.Planned);
        using var first = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));

        using var response = await SendAsync(_http, _model.BaseUriFor("w2"), BuildStart(spec.Instruction, "s3"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var (name, arguments) = (await ToolCallsAsync(response)).ShouldHaveSingleItem();
        name.ShouldBe("write_file");
        var call = _model.Calls[^1];
        call.Number.ShouldBe(2);
        call.ShouldBe(call with { Worker = "w2", Marker = spec.Marker, Subtask = "s3", Kind = ModelCallKind.BuildStart, Status = 200, Stamp = "w2#2" });
        arguments.GetProperty("path").GetString().ShouldBe($"{spec.Marker}-s3.txt");
        arguments.GetProperty("content").GetString().ShouldBe($"{spec.Marker}-s3\nstamp w2#2\n");
    }

    [Fact]
    public async Task BuildStart_OfAOneSubtaskTaskWithoutTheSubtaskLine_BuildsItsOnlySubtask()
    {
        var spec = Of(FleetTaskKind.Single);

        using var response = await SendAsync(_http, _model.BaseUriFor("w1"), BuildStart(spec.Instruction, subtask: null));

        var (name, arguments) = (await ToolCallsAsync(response)).ShouldHaveSingleItem();
        name.ShouldBe("write_file");
        arguments.GetProperty("path").GetString().ShouldBe($"{spec.Marker}-s1.txt");
        _model.Calls.ShouldHaveSingleItem().Subtask.ShouldBe("s1");
    }

    [Fact]
    public async Task BuildTurn_AfterTheToolResult_Finishes_WithATitleLineAndTheStamp()
    {
        var spec = Of(FleetTaskKind.Cancel);

        using var response = await SendAsync(_http, _model.BaseUriFor("w3"), BuildTurn(spec.Instruction, "s2", $"{spec.Marker}-s2.txt"));

        var (name, arguments) = (await ToolCallsAsync(response)).ShouldHaveSingleItem();
        name.ShouldBe("finish");
        var call = _model.Calls.ShouldHaveSingleItem();
        call.Kind.ShouldBe(ModelCallKind.BuildTurn);
        call.Subtask.ShouldBe("s2");
        var summary = arguments.GetProperty("summary").GetString()!;
        summary.Split('\n')[0].ShouldBe($"Write {spec.Marker}-s2.txt");
        summary.ShouldContain($"stamp {call.Stamp}");
    }

    [Fact]
    public async Task RequestItCannotPlace_Finishes_AndIsLoggedAsOther_UnderTheLabelAsGiven()
    {
        using var response = await SendAsync(_http, _model.BaseUriFor("zz-unknown"), BuildStart("Write a poem about the sea.", subtask: null));

        (await ToolCallsAsync(response)).ShouldHaveSingleItem().Name.ShouldBe("finish");
        var call = _model.Calls.ShouldHaveSingleItem();
        call.ShouldBe(call with { Worker = "zz-unknown", Marker = null, Subtask = null, Kind = ModelCallKind.Other, Status = 200 });
    }

    [Fact]
    public async Task SubtaskTheSpecDoesNotHave_IsOther_NotABuild()
    {
        var spec = Of(FleetTaskKind.Planned);

        using var response = await SendAsync(_http, _model.BaseUriFor("w1"), BuildStart(spec.Instruction, "s9"));

        (await ToolCallsAsync(response)).ShouldHaveSingleItem().Name.ShouldBe("finish");
        _model.Calls.ShouldHaveSingleItem().Kind.ShouldBe(ModelCallKind.Other);
    }

    [Fact]
    public async Task ModelFailureTask_FirstPlanRequestGets400_TheNextIsAnswered()
    {
        var spec = Of(FleetTaskKind.ModelFailure);

        using var first = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));
        using var second = await SendAsync(_http, _model.BaseUriFor("w2"), Plan(spec.Instruction));

        first.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await first.Content.ReadAsStringAsync()).ShouldContain(spec.Marker);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ToolCallsAsync(second)).ShouldHaveSingleItem().Name.ShouldBe("submit_plan");
        _model.Calls.Select(c => c.Status).ShouldBe([400, 200]);
    }

    [Fact]
    public async Task Errors_Alternate429WithRetryAfterAnd500_UntilEnded_ThenAnswersAgain()
    {
        var spec = Of(FleetTaskKind.Single);
        _model.BeginErrors(TimeSpan.FromMinutes(5));

        using var first = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));
        using var second = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));
        _model.EndFaults();
        using var third = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));

        first.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        first.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        second.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        third.StatusCode.ShouldBe(HttpStatusCode.OK);
        _model.Calls.Select(c => c.Status).ShouldBe([429, 500, 200]);
        _model.Calls.ShouldAllBe(c => c.Marker == spec.Marker && c.Kind == ModelCallKind.Plan);
    }

    [Fact]
    public async Task Errors_EndByThemselves_WhenTheDurationPasses()
    {
        var spec = Of(FleetTaskKind.Single);
        // Long enough that the first request lands inside the window on a loaded machine.
        _model.BeginErrors(TimeSpan.FromSeconds(3));

        using var during = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));
        await TestDefaults.WaitUntilAsync(async () =>
        {
            using var later = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));
            return later.StatusCode == HttpStatusCode.OK;
        }, "the error window ends");

        during.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Hang_HoldsTheRequestWithoutAnswer_UntilItEnds_ThenDropsTheConnection()
    {
        var spec = Of(FleetTaskKind.Single);
        _model.BeginHang(TimeSpan.FromMilliseconds(800));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Should.ThrowAsync<HttpRequestException>(async () =>
        {
            using var held = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));
        });

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(700), "held until the hang ended");
        _model.Calls.ShouldHaveSingleItem().Status.ShouldBe(0);
        using var after = await SendAsync(_http, _model.BaseUriFor("w1"), Plan(spec.Instruction));
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task EndFaults_ReleasesAHeldRequestAtOnce()
    {
        var spec = Of(FleetTaskKind.Single);
        _model.BeginHang(TimeSpan.FromMinutes(10));

        var held = SendAsync(_http, _model.BaseUriFor("w2"), Plan(spec.Instruction));
        await TestDefaults.WaitUntilAsync(() => _model.Calls.Count == 1, "the request reaches the model");
        held.IsCompleted.ShouldBeFalse("a hung request gets no answer");
        _model.EndFaults();

        await Should.ThrowAsync<HttpRequestException>(async () => (await held).Dispose());
        using var after = await SendAsync(_http, _model.BaseUriFor("w2"), Plan(spec.Instruction));
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ManyConcurrentRequests_EachGetsItsOwnNumberAndStamp()
    {
        var spec = Of(FleetTaskKind.Planned);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            SendAsync(_http, _model.BaseUriFor($"w{i % 4}"), BuildStart(spec.Instruction, "s1"))));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var contents = new List<string>();
        foreach (var response in responses)
        {
            contents.Add((await ToolCallsAsync(response))[0].Arguments.GetProperty("content").GetString()!);
            response.Dispose();
        }
        var calls = _model.Calls;
        calls.Select(c => c.Number).Order().ShouldBe(Enumerable.Range(1, 40));
        contents.Select(c => c.Split('\n')[1]).Order(StringComparer.Ordinal)
            .ShouldBe(calls.Select(c => $"stamp {c.Stamp}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BaseUriFor_RefusesALabelThatIsNotOnePathSegment()
    {
        _model.BaseUriFor("w12").AbsolutePath.ShouldBe("/w12/v1/");
        Should.Throw<ArgumentException>(() => _model.BaseUriFor("../x")).Message.ShouldContain("letters, digits");
        Should.Throw<ArgumentException>(() => _model.BaseUriFor(""));
    }
}

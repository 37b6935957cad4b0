using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Teams;
using Nightshift.Server.Pipelines;
using Nightshift.Server.Pipelines.Api;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Git;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary>
/// <c>POST /api/v1/runs</c> for a pipeline that is not registered: the API reads the repository's
/// <c>.nightshift/pipelines/NAME.yml</c> from a real bare remote (through the mirror) and checks the inputs as it does a
/// registered pipeline's; a repository it cannot read leaves that to the run. The coordinator is off.
/// </summary>
public sealed class RepositoryRunsApiTests : IAsyncLifetime
{
    private const string Nightly = """
        name: nightly
        inputs:
          package: { description: what to update, required: true }
          level: { default: "2" }
        steps:
          update:
            run: ./update.sh {{ inputs.package }} {{ inputs.level }}
          test:
            depends_on: [update]
            run: npm test
        """;

    private readonly TempGitRepo _repo = TempGitRepo.Create();
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        _repo.Commit("pipelines", (".nightshift/pipelines/nightly.yml", Nightly), (".nightshift/pipelines/broken.yml", "name: broken\nsteps:\n  a:\n    run: x\n    depends_on: [ghost]\n"));
        _server = await StartAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repo.Dispose();
    }

    [Theory]
    [InlineData("""{"colour":"blue","package":"left-pad"}""", "declares no input 'colour'; it takes: package, level")]
    [InlineData("""{"level":"3"}""", "needs 'package' (what to update)")]
    public async Task Start_RepositoryPipelineWithBadInputs_Is400NamingThemAndStartsNothing(string inputs, string says)
    {
        using var response = await _server.Client.PostAsync("/api/v1/runs",
            ApiCalls.Json($$"""{"pipeline":"nightly","repo":{{JsonSerializer.Serialize(_repo.RemotePath)}},"inputs":{{inputs}}}"""));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        string.Join(" ", problem.GetProperty("errors").GetProperty("inputs").EnumerateArray().Select(m => m.GetString())).ShouldContain(says);
        (await _server.Store.ListRunsAsync(OrgIds.Default, null, null, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Start_RepositoryPipelineWithGoodInputs_SnapshotsTheFileWithItsStepsAndDefaults()
    {
        var run = await PipelineApiServer.StartRunAsync(_server.Client, new { pipeline = "nightly", repo = _repo.RemotePath, baseBranch = "main", inputs = new { package = "left-pad" } });

        run.GetProperty("pipelineId").ValueKind.ShouldBe(JsonValueKind.Null);
        run.GetProperty("inputs").GetProperty("package").GetString().ShouldBe("left-pad");
        run.GetProperty("inputs").GetProperty("level").GetString().ShouldBe("2");
        run.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(["update", "test"]);
        var stored = (await _server.Store.FindRunAsync(OrgIds.Default, run.GetProperty("id").GetString()!)).ShouldNotBeNull();
        stored.Yaml.ShouldBe(Nightly);
        stored.PipelineId.ShouldBeNull();
    }

    [Fact]
    public async Task Start_RepositoryWithoutThePipelineFile_Is400SayingWhereItLooked()
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/v1/runs", new { pipeline = "weekly", repo = _repo.RemotePath, baseBranch = "main" });

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        var said = problem.GetProperty("errors").GetProperty("pipeline")[0].GetString()!;
        said.ShouldContain("no pipeline 'weekly' is registered");
        said.ShouldContain(".nightshift/pipelines/weekly.yml on main");
        (await _server.Store.ListRunsAsync(OrgIds.Default, null, null, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Start_RepositoryPipelineWithProblems_Is400ListingThemWithLines()
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/v1/runs", new { pipeline = "broken", repo = _repo.RemotePath });

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        var first = problem.GetProperty("problems")[0];
        first.GetProperty("file").GetString().ShouldBe(".nightshift/pipelines/broken.yml");
        first.GetProperty("line").GetInt32().ShouldBe(5);
        first.GetProperty("message").GetString()!.ShouldContain("'ghost'");
        (await _server.Store.ListRunsAsync(OrgIds.Default, null, null, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Start_RepositoryThatCannotBeReadNow_StartsTheRunUncheckedForTheCoordinatorToRead()
    {
        // A repository the server may use, but with no branch to read the file from.
        var broken = _repo.NewFolder("empty.git");
        GitCli.Run(broken, "init", "--quiet", "--bare");

        var run = await PipelineApiServer.StartRunAsync(_server.Client, new { pipeline = "nightly", repo = broken, inputs = new { colour = "blue" } });

        run.GetProperty("steps").GetArrayLength().ShouldBe(0);
        run.GetProperty("inputs").GetProperty("colour").GetString().ShouldBe("blue");
        (await _server.Store.FindRunAsync(OrgIds.Default, run.GetProperty("id").GetString()!))!.Yaml.ShouldBeNull();
    }

    [Fact]
    public async Task Start_RepositoryReadPastItsTimeLimit_StartsTheRunUnchecked()
    {
        await using var impatient = await StartAsync(TimeSpan.FromTicks(1));

        var run = await PipelineApiServer.StartRunAsync(impatient.Client, new { pipeline = "nightly", repo = _repo.RemotePath, inputs = new { colour = "blue" } });

        run.GetProperty("steps").GetArrayLength().ShouldBe(0);
        (await impatient.Store.FindRunAsync(OrgIds.Default, run.GetProperty("id").GetString()!))!.Yaml.ShouldBeNull();
    }

    private Task<RunningServer> StartAsync(TimeSpan readTimeout) =>
        RunningServer.StartAsync(
            o => o.AllowedRepositoryRoots = [_repo.Root],
            s =>
            {
                s.Configure<PipelineOptions>(p => p.Enabled = false);
                s.Configure<PipelineApiOptions>(p => p.RepositoryReadTimeout = readTimeout);
            });
}

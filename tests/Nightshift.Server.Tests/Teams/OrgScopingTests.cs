using System.Net;
using System.Net.Http.Json;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Teams;

/// <summary>Submissions take the caller's organisation and its allowed repositories; lists and usage show only its own.</summary>
public sealed class OrgScopingTests
{
    [Fact]
    public async Task Submit_AsAMemberOfAnOrganisation_PutsTheTaskInIt()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, "acme");
        var member = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Member);
        using var client = server.CreateClient(member.Token);

        var task = await ApiCalls.SubmitAsync(client);

        task.GetProperty("orgId").GetString().ShouldBe("acme");
        (await server.Store.FindInOrgAsync("acme", task.GetProperty("id").GetString()!)).ShouldNotBeNull();
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldNotContain(task.GetProperty("id").GetString()!);
        (await ApiCalls.ListIdsAsync(client)).ShouldBe([task.GetProperty("id").GetString()!]);
    }

    [Theory]
    [InlineData("{\"repo\":\"https://github.com/example/app\",\"instruction\":\"x\",\"orgId\":\"default\"}", "orgId")]
    [InlineData("{\"repo\":\"https://github.com/example/app\",\"instruction\":\"x\",\"OrgId\":\"acme\"}", "OrgId")]
    [InlineData("{\"repo\":\"https://github.com/example/app\",\"instruction\":\"x\",\"id\":\"tsk_0000\"}", "id")]
    [InlineData("{\"repo\":\"https://github.com/example/app\",\"instruction\":\"x\",\"status\":\"succeeded\"}", "status")]
    [InlineData("{\"repo\":\"https://github.com/example/app\",\"instruction\":\"x\",\"createdAt\":\"2020-01-01T00:00:00Z\"}", "createdAt")]
    [InlineData("{\"repo\":\"https://github.com/example/app\",\"instruction\":\"x\",\"surprise\":1}", "surprise")]
    public async Task Submit_BodyWithAServerOwnedOrUnknownField_Is400NamingIt(string body, string field)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/v1/tasks", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        problem.GetProperty("detail").GetString()!.ShouldContain($"'{field}'");
        (await ApiCalls.ListIdsAsync(server.Client)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/cancel", "{\"reason\":\"r\",\"orgId\":\"other\"}")]
    [InlineData("/reject", "{\"reason\":\"r\",\"status\":\"queued\"}")]
    [InlineData("/approve", "{\"plan\":null,\"id\":\"tsk_x\"}")]
    [InlineData("/messages", "{\"text\":\"hi\",\"author\":\"someone-else\"}")]
    public async Task Actions_BodyWithAnUnknownField_Is400(string action, string body)
    {
        await using var server = await RunningServer.StartAsync();
        var id = (await ApiCalls.SubmitAsync(server.Client)).GetProperty("id").GetString()!;

        using var response = await server.Client.PostAsync($"/api/v1/tasks/{id}{action}", ApiCalls.Json(body));

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        (await ApiCalls.StatusAsync(server.Client, id)).ShouldBe("queued");
    }

    [Fact]
    public async Task Submit_RepositoryOutsideTheOrganisationsAllowedRepos_Is403NamingTheSetting()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, "acme", "https://github.com/acme/*", "https://gitlab.com/acme/one");
        var member = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Member);
        using var client = server.CreateClient(member.Token);

        using var refused = await client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/acme-evil/app", instruction = "Fix it" });
        using var prefixed = await client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://github.com/acme/app", instruction = "Fix it" });
        using var exact = await client.PostAsJsonAsync("/api/v1/tasks", new { repo = "https://gitlab.com/acme/one", instruction = "Fix it" });

        var problem = await ApiCalls.ShouldBeProblemAsync(refused, HttpStatusCode.Forbidden);
        problem.GetProperty("detail").GetString()!.ShouldContain("allowedRepos");
        prefixed.StatusCode.ShouldBe(HttpStatusCode.Created);
        exact.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Usage_OfAnOrganisation_CountsOnlyItsTasks()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, "acme");
        var viewer = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer);
        await ApiCalls.SubmitAsync(server.Client);
        using var client = server.CreateClient(viewer.Token);

        using var mine = await client.GetAsync("/api/v1/usage?groupBy=repo");
        using var installation = await server.Client.GetAsync("/api/v1/usage?groupBy=repo");

        mine.StatusCode.ShouldBe(HttpStatusCode.OK);
        installation.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await mine.Content.ReadAsStringAsync()).ShouldNotContain("example/app");
    }

    [Fact]
    public async Task Board_OfAnOrganisation_ShowsOnlyItsTasks()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, "acme");
        var viewer = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer);
        var theirs = (await ApiCalls.SubmitAsync(server.Client, instruction: "Default organisation's secret plan")).GetProperty("id").GetString()!;
        using var client = server.CreateClient(viewer.Token);

        var board = await client.GetStringAsync("/");
        using var show = await client.GetAsync($"/tasks/{theirs}");
        using var diff = await client.GetAsync($"/tasks/{theirs}/diff");

        board.ShouldNotContain(theirs);
        show.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        diff.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("https://github.com/acme/*", "https://github.com/acme/app", true)]
    [InlineData("https://github.com/acme/*", "https://github.com/acme/team/app", true)]
    [InlineData("https://github.com/acme/*", "https://github.com/acme-evil/app", false)]
    [InlineData("https://github.com/acme/*", "https://github.com/acme/", false)]
    [InlineData("https://github.com/acme/*", "https://github.com/acme/../other/app", false)]
    [InlineData("https://github.com/acme/app", "https://github.com/acme/app", true)]
    [InlineData("https://github.com/acme/app", "https://github.com/acme/app2", false)]
    [InlineData("https://github.com/acme/app", "HTTPS://GITHUB.COM/ACME/APP", false)]
    [InlineData("/*", "/anything", false)]
    [InlineData("", "https://github.com/acme/app", false)]
    public void Matches_Entries_MatchExactlyOrUnderAPrefix(string entry, string repo, bool expected) =>
        OrgRepositories.Matches(entry, repo).ShouldBe(expected);

    [Fact]
    public void Allows_EmptyList_AllowsAnyRepository()
    {
        OrgRepositories.Allows([], "https://github.com/anyone/anything").ShouldBeTrue();
        OrgRepositories.Allows(["https://github.com/acme/*"], "").ShouldBeFalse();
    }

    [Fact]
    public async Task ResolveForgeTaskOrg_RepositoryClaimedByAnOrganisation_IsThatOrganisations_ElseDefault()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, "acme", "https://github.com/acme/*");
        await TeamSetup.OrgAsync(server.Store, "beta", "https://github.com/acme/special");

        (await global::Nightshift.Server.Webhooks.ForgeTaskOrg.ResolveAsync(server.Store, "https://github.com/acme/app")).ShouldBe("acme");
        (await global::Nightshift.Server.Webhooks.ForgeTaskOrg.ResolveAsync(server.Store, "https://github.com/acme/special")).ShouldBe("beta");
        (await global::Nightshift.Server.Webhooks.ForgeTaskOrg.ResolveAsync(server.Store, "https://github.com/someone/else")).ShouldBe(OrgIds.Default);
    }

    [Fact]
    public async Task Me_ViewerOfAnOrganisation_SaysWhoAndWhat()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, "acme");
        var viewer = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer, scopes: [Scopes.TasksRead]);
        using var client = server.CreateClient(viewer.Token);

        var me = await ApiCalls.ReadJsonAsync(await client.GetAsync("/api/v1/me"));

        me.GetProperty("orgId").GetString().ShouldBe("acme");
        me.GetProperty("userId").GetString().ShouldBe(viewer.User.Id);
        me.GetProperty("userName").GetString().ShouldBe(viewer.User.Name);
        me.GetProperty("role").GetString().ShouldBe("viewer");
        me.GetProperty("tokenId").GetString().ShouldBe(viewer.Record.Id);
        me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ShouldBe([Scopes.TasksRead]);
    }
}

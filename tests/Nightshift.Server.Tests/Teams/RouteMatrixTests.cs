using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.RateLimiting;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Teams;

/// <summary>
/// Every route and dashboard page, taken from the server's endpoint data source: each carries a scope (or is public), each
/// role lacking the scope gets 403, each role having it gets past authorisation in its own organisation, and another
/// organisation's task id is a 404 exactly like a missing one.
/// </summary>
public sealed class RouteMatrixTests
{
    private const string Own = "acme";
    private const string Other = "globex";

    /// <summary>Routes about the whole installation rather than one organisation (the metrics; creating organisations): only the default organisation's admins pass.</summary>
    private static readonly HashSet<string> InstallationWide = new(["/metrics", "/api/v1/orgs", "/api/v1/orgs/"], StringComparer.Ordinal);

    [Fact]
    public async Task Endpoints_Every_CarriesAScopeOrIsMarkedPublic()
    {
        await using var server = await RunningServer.StartAsync();

        var endpoints = Routes(server);
        var unguarded = endpoints
            .Where(e => e.Metadata.GetMetadata<ScopeRequirement>() is null
                && e.Metadata.GetMetadata<PublicRouteMarker>() is null
                && e.Metadata.GetMetadata<AnyCallerMarker>() is null)
            .Select(e => $"{string.Join(",", Methods(e))} {Pattern(e)} ({e.DisplayName})")
            .ToList();

        unguarded.ShouldBeEmpty("these routes have no policy: add .RequireScope(Scopes.X), .RequireCaller() or .PublicRoute() "
            + "(a page: [PageScope(Scopes.X)] or [PublicPage] on its model):\n" + string.Join("\n", unguarded));
        endpoints.Select(Pattern).ShouldContain("/api/v1/tasks/{id}");
        endpoints.Select(Pattern).ShouldContain("/tasks/{id}");
        endpoints.Count.ShouldBeGreaterThan(20);
    }

    [Fact]
    public void PageHandlers_ThatChangeThings_CarryTheirOwnScopeOnReadPages()
    {
        var pages = typeof(ScopeRequirement).Assembly.GetTypes().Where(t => typeof(PageModel).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        var missing = new List<string>();
        foreach (var page in pages)
        {
            if (page.GetCustomAttribute<PublicPageAttribute>() is not null)
            {
                continue;
            }
            var pageScope = page.GetCustomAttribute<PageScopeAttribute>()?.Scope;
            if (pageScope is null)
            {
                missing.Add($"{page.Name} has neither [PageScope] nor [PublicPage]");
                continue;
            }
            var readOnly = pageScope is Scopes.TasksRead or Scopes.UsageRead;
            foreach (var handler in page.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal)))
            {
                if (readOnly && handler.GetCustomAttribute<PageScopeAttribute>() is null)
                {
                    missing.Add($"{page.Name}.{handler.Name} changes things on a page readable with {pageScope}: give it its own [PageScope]");
                }
            }
        }

        missing.ShouldBeEmpty(string.Join("\n", missing));
        HandlerScope("ShowModel", "OnPostApproveAsync").ShouldBe(Scopes.TasksApprove);
        HandlerScope("ShowModel", "OnPostRejectAsync").ShouldBe(Scopes.TasksApprove);
        HandlerScope("ShowModel", "OnPostCancelAsync").ShouldBe(Scopes.TasksWrite);
        HandlerScope("ShowModel", "OnPostRetryAsync").ShouldBe(Scopes.TasksWrite);
        HandlerScope("ShowModel", "OnPostSayAsync").ShouldBe(Scopes.TasksWrite);
        HandlerScope("RunPageModel", "OnPostApproveAsync").ShouldBe(Scopes.TasksApprove);
        HandlerScope("RunPageModel", "OnPostRejectAsync").ShouldBe(Scopes.TasksApprove);
        HandlerScope("RunPageModel", "OnPostCancelAsync").ShouldBe(Scopes.TasksWrite);
    }

    [Fact]
    public async Task Routes_EachRoleInEachOrganisation_AreRefusedOnlyForMissingScopesAndSeeNoOtherOrganisation()
    {
        await using var server = await RunningServer.StartAsync(services: s => s.Configure<RateLimitSettings>(r => r.Enabled = false));
        await TeamSetup.OrgAsync(server.Store, Own);
        await TeamSetup.OrgAsync(server.Store, Other);
        var foreign = await TaskInAsync(server, Other);
        var failures = new List<string>();

        foreach (var role in new[] { TeamRole.Viewer, TeamRole.Member, TeamRole.Admin })
        {
            var member = await TeamSetup.MemberAsync(server.Store, Own, role);
            using var client = server.CreateClient(member.Token);
            var granted = Scopes.ForRole(role);
            foreach (var endpoint in Routes(server).Where(e => e.Metadata.GetMetadata<PublicRouteMarker>() is null))
            {
                var pattern = Pattern(endpoint);
                var scope = endpoint.Metadata.GetMetadata<ScopeRequirement>()?.Scope;
                foreach (var method in Methods(endpoint))
                {
                    // A fresh task per request: an earlier request (cancel, say) must not decide what a later one sees.
                    var own = await TaskInAsync(server, Own);
                    using var response = await SendAsync(client, method, Fill(pattern, own));
                    var status = (int)response.StatusCode;
                    var allowed = scope is null || Scopes.Allows(granted, scope);
                    if (!allowed && status != 403)
                    {
                        failures.Add($"{role.Name()} {method} {pattern}: lacks '{scope}' but got {status}, not 403");
                    }
                    else if (allowed && !InstallationWide.Contains(pattern) && status is 401 or 403 or 500)
                    {
                        failures.Add($"{role.Name()} {method} {pattern}: has '{scope}' in its own organisation but got {status}");
                    }
                    if (allowed && pattern.StartsWith("/api/v1/tasks/{id}", StringComparison.Ordinal))
                    {
                        using var elsewhere = await SendAsync(client, method, Fill(pattern, foreign));
                        using var missing = await SendAsync(client, method, Fill(pattern, TaskId.New(TimeProvider.System)));
                        if (elsewhere.StatusCode != HttpStatusCode.NotFound)
                        {
                            failures.Add($"{role.Name()} {method} {pattern}: another organisation's task gave {(int)elsewhere.StatusCode}, not 404");
                        }
                        else if (await Detail(elsewhere) != (await Detail(missing)).Replace(ShortId(missing), ShortId(elsewhere), StringComparison.Ordinal))
                        {
                            failures.Add($"{role.Name()} {method} {pattern}: another organisation's task is told apart from a missing one");
                        }
                    }
                }
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    [Fact]
    public async Task Metrics_AdminOfAnotherOrganisation_IsRefused_InstallationAdminIsNot()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, Own);
        var orgAdmin = await TeamSetup.MemberAsync(server.Store, Own, TeamRole.Admin);
        using var client = server.CreateClient(orgAdmin.Token);

        using var refused = await client.GetAsync("/metrics");
        using var allowed = await server.Client.GetAsync("/metrics");

        await ApiCalls.ShouldBeProblemAsync(refused, HttpStatusCode.Forbidden);
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Page_ViewerPostsApprove_IsRefusedNamingTheScope_AndSeesNoActions()
    {
        await using var server = await RunningServer.StartAsync();
        await TeamSetup.OrgAsync(server.Store, Own);
        var viewer = await TeamSetup.MemberAsync(server.Store, Own, TeamRole.Viewer);
        var task = await TaskInAsync(server, Own);
        var cookies = new CookieContainer();
        cookies.Add(new Uri(server.Url), ParseCookie(await TeamSetup.SessionCookieAsync(server, viewer.User)));
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(server.Url), Timeout = TestKit.TestDefaults.Timeout };
        var form = await TeamSetup.AntiforgeryAsync(browser, $"/tasks/{task}");
        using var page = await browser.GetAsync($"/tasks/{task}");

        using var approve = await browser.PostAsync($"/tasks/{task}?handler=Approve",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__antiforgery"] = form }));
        using var cancel = await browser.PostAsync($"/tasks/{task}?handler=Cancel",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__antiforgery"] = form }));

        approve.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await approve.Content.ReadAsStringAsync()).ShouldContain(Scopes.TasksApprove);
        cancel.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await page.Content.ReadAsStringAsync()).ShouldNotContain("handler=Cancel");
        (await server.Store.FindAsync(task))!.Status.ShouldBe(TaskState.Queued);
    }

    private static Cookie ParseCookie(string nameValue)
    {
        var equals = nameValue.IndexOf('=', StringComparison.Ordinal);
        return new Cookie(nameValue[..equals], nameValue[(equals + 1)..]);
    }

    private static async Task<string> TaskInAsync(RunningServer server, string orgId)
    {
        var result = await server.Store.SubmitAsync(new NewTask
        {
            Repo = "https://github.com/example/app",
            Instruction = "Fix the flaky test",
            OrgId = orgId,
        }.Validated());
        return result.Task.Id;
    }

    private static List<RouteEndpoint> Routes(RunningServer server) =>
        [.. server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static string Pattern(RouteEndpoint endpoint) => "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');

    private static IReadOnlyList<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? [.. methods] : ["GET"];

    private static string Fill(string pattern, string taskId)
    {
        var path = pattern.Replace("{id}", taskId, StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(path, "\\{[^}]+\\}", "x1");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        return await client.SendAsync(request);
    }

    /// <summary>What a person reads of a refusal: its title and detail.</summary>
    private static async Task<string> Detail(HttpResponseMessage response)
    {
        var body = await ApiCalls.ReadJsonAsync(response);
        return body.GetProperty("title").GetString() + " | " + body.GetProperty("detail").GetString();
    }

    private static string ShortId(HttpResponseMessage response) => response.RequestMessage!.RequestUri!.AbsolutePath.Split('/')[4];

    private static string? HandlerScope(string page, string handler) =>
        typeof(ScopeRequirement).Assembly.GetTypes().Single(t => t.Name == page).GetMethod(handler)?.GetCustomAttribute<PageScopeAttribute>()?.Scope;
}

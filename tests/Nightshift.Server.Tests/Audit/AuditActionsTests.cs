using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Server.Audit;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Audit;

public sealed class AuditActionsTests
{
    [Theory]
    [InlineData("/api/v1/tasks/", "/api/v1/tasks")]
    [InlineData("/api/v1/tasks/{id}/approve", "/api/v1/tasks/{}/approve")]
    [InlineData("api/v1/orgs/{orgId:regex(^[a-z]+$)}/secrets/{*name}", "/api/v1/orgs/{}/secrets/{}")]
    [InlineData("/API/V1/Tokens/{id?}", "/api/v1/tokens/{}")]
    [InlineData("/", "/")]
    public void Shape_IgnoresParameterNamesConstraintsCaseAndTrailingSlash(string pattern, string shape)
    {
        AuditActions.Shape(RoutePatternFactory.Parse(pattern)).ShouldBe(shape);
    }

    [Fact]
    public void ForApi_RenamedParameter_KeepsItsAction()
    {
        AuditActions.ForApi("post", RoutePatternFactory.Parse("/api/v1/tasks/{taskId}/cancel"))!.Name.ShouldBe("task.cancel");
        AuditActions.ForApi("DELETE", RoutePatternFactory.Parse("/api/v1/tokens/{id}"))!.Name.ShouldBe("token.revoke");
        AuditActions.ForApi("GET", RoutePatternFactory.Parse("/api/v1/tokens/{id}")).ShouldBeNull();
    }

    [Fact]
    public void ForPage_HandlerNames_AreMatchedWithoutCase()
    {
        AuditActions.ForPage(RoutePatternFactory.Parse("tasks/{id}"), "Approve")!.Name.ShouldBe("task.approve");
        AuditActions.ForPage(RoutePatternFactory.Parse("signin"), null)!.Name.ShouldBe("session.signin");
        AuditActions.ForPage(RoutePatternFactory.Parse("signin"), "SignOut")!.Name.ShouldBe("session.signout");
        AuditActions.ForPage(RoutePatternFactory.Parse("tasks/{id}"), "Explode").ShouldBeNull();
    }

    [Fact]
    public void Fallback_NamesTheMethod()
    {
        AuditActions.Fallback("PUT").Name.ShouldBe("http.put");
    }

    [Fact]
    public void Names_AreNounDotVerb()
    {
        AuditActions.Names.ShouldNotBeEmpty();
        AuditActions.Names.ShouldAllBe(n => System.Text.RegularExpressions.Regex.IsMatch(n, "^[a-z]+\\.[a-z-]+$"));
    }

    /// <summary>A new mutating API route or dashboard form handler must get a name in the audit table.</summary>
    [Fact]
    public async Task EveryMutatingRoute_OfTheEndpointDataSource_HasANamedAction()
    {
        await using var server = await RunningServer.StartAsync();
        var endpoints = server.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
        var loader = server.App.Services.GetRequiredService<PageLoader>();
        var unnamed = new List<string>();
        var apiRoutes = 0;
        var pageHandlers = 0;

        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods.Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase)))
                {
                    pageHandlers++;
                    if (AuditActions.ForPage(endpoint.RoutePattern, handler.Name) is null)
                    {
                        unnamed.Add($"page {endpoint.RoutePattern.RawText} handler {handler.Name ?? "(OnPost)"}");
                    }
                }
                continue;
            }
            var path = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods.Where(AuditActions.IsMutating))
            {
                apiRoutes++;
                if (AuditActions.ForApi(method, endpoint.RoutePattern) is null)
                {
                    unnamed.Add($"{method} {path}");
                }
            }
        }

        apiRoutes.ShouldBeGreaterThan(10);
        pageHandlers.ShouldBeGreaterThan(5);
        unnamed.ShouldBeEmpty("add these to AuditActions (and docs/audit.md): " + string.Join("; ", unnamed));
    }

    [Fact]
    public async Task AuditRoutes_AcceptNoMethodThatChangesTheLog()
    {
        await using var server = await RunningServer.StartAsync();
        var endpoints = server.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>();
        var audit = endpoints.Where(e => ("/" + (e.RoutePattern.RawText ?? "").TrimStart('/')).StartsWith(AuditApi.Prefix, StringComparison.OrdinalIgnoreCase)).ToList();

        audit.Count.ShouldBe(2);
        audit.SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods).ShouldAllBe(m => m == "GET");
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            foreach (var path in new[] { "/api/v1/audit", "/api/v1/audit/1", "/api/v1/audit/export" })
            {
                using var request = new HttpRequestMessage(method, path) { Content = ApiCalls.Json("{}") };
                using var response = await server.Client.SendAsync(request);
                ((int)response.StatusCode).ShouldBeOneOf(StatusCodes.Status404NotFound, StatusCodes.Status405MethodNotAllowed);
            }
        }
    }
}

using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Teams;

public sealed class TeamRoutesScopeTests
{
    [Fact]
    public async Task TeamRoutes_EachRequireTheDocumentedScope()
    {
        await using var server = await RunningServer.StartAsync();
        var scopes = server.App.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.Contains("/v1/tokens", StringComparison.Ordinal) || raw.Contains("/v1/users", StringComparison.Ordinal) || raw.Contains("/v1/audit", StringComparison.Ordinal)))
            .ToDictionary(
                e => string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()!.HttpMethods) + " " + e.RoutePattern.RawText!.TrimEnd('/'),
                e => e.Metadata.GetMetadata<ScopeRequirement>()?.Scope);

        scopes.ShouldBe(new Dictionary<string, string?>
        {
            ["GET /api/v1/tokens"] = Scopes.TasksRead,
            ["POST /api/v1/tokens"] = Scopes.TasksRead,
            ["GET /api/v1/tokens/{id}"] = Scopes.TasksRead,
            ["DELETE /api/v1/tokens/{id}"] = Scopes.TasksRead,
            ["GET /api/v1/users"] = Scopes.Admin,
            ["POST /api/v1/users"] = Scopes.Admin,
            ["GET /api/v1/users/{id}"] = Scopes.Admin,
            ["PATCH /api/v1/users/{id}"] = Scopes.Admin,
            ["GET /api/v1/audit"] = Scopes.AuditRead,
            ["GET /api/v1/audit/export"] = Scopes.AuditRead,
        }, ignoreOrder: true);
    }
}

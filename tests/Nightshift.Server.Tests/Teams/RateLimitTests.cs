using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Teams;
using Nightshift.Server.RateLimiting;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Teams;

/// <summary>A bucket per token and one per organisation: 429 with Retry-After when either runs dry.</summary>
public sealed class RateLimitTests
{
    private const int Attempts = 60;

    [Fact]
    public async Task Requests_OneTokenOverItsBurst_Get429WithRetryAfter_AnotherTokenOfTheOrgDoesNot()
    {
        await using var server = await RunningServer.StartAsync(services: s => s.Configure<RateLimitSettings>(r =>
        {
            r.Burst = 5;
            r.PermitsPerSecond = 1;
        }));
        await TeamSetup.OrgAsync(server.Store, "acme");
        var first = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer);
        var second = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer);
        using var busy = server.CreateClient(first.Token);
        using var quiet = server.CreateClient(second.Token);

        using var limited = await FirstRefusalAsync(busy);
        using var other = await quiet.GetAsync("/api/v1/me");

        limited.ShouldNotBeNull("the token was never limited");
        var problem = await ApiCalls.ShouldBeProblemAsync(limited, HttpStatusCode.TooManyRequests);
        problem.GetProperty("detail").GetString()!.ShouldContain("RateLimiting:Burst");
        int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Requests_AnOrganisationOverItsBurst_Get429_AnotherOrganisationDoesNot()
    {
        await using var server = await RunningServer.StartAsync(services: s => s.Configure<RateLimitSettings>(r =>
        {
            r.OrgBurst = 6;
            r.OrgPermitsPerSecond = 1;
        }));
        await TeamSetup.OrgAsync(server.Store, "acme");
        await TeamSetup.OrgAsync(server.Store, "globex");
        using var one = server.CreateClient((await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer)).Token);
        using var two = server.CreateClient((await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Viewer)).Token);
        using var elsewhere = server.CreateClient((await TeamSetup.MemberAsync(server.Store, "globex", TeamRole.Viewer)).Token);

        HttpResponseMessage? limited = null;
        for (var i = 0; i < Attempts && limited is null; i++)
        {
            var response = await (i % 2 == 0 ? one : two).GetAsync("/api/v1/me");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }
        using var other = await elsewhere.GetAsync("/api/v1/me");

        limited.ShouldNotBeNull("the organisation was never limited");
        (await ApiCalls.ShouldBeProblemAsync(limited, HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString()!.ShouldContain("RateLimiting:OrgBurst");
        limited.Headers.Contains("Retry-After").ShouldBeTrue();
        limited.Dispose();
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<HttpResponseMessage> FirstRefusalAsync(HttpClient client)
    {
        for (var i = 0; i < Attempts; i++)
        {
            var response = await client.GetAsync("/api/v1/me");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return response;
            }
            response.Dispose();
        }
        return null!;
    }
}

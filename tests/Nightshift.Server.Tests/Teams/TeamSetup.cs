using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Tests.Teams;

/// <summary>Organisations, users and tokens made straight in a running server's store, as the teams routes would make them.</summary>
internal static class TeamSetup
{
    public static async Task<Organisation> OrgAsync(INightshiftStore store, string id, params string[] allowedRepos)
    {
        if (await store.FindOrgAsync(id) is { } existing)
        {
            return allowedRepos.Length == 0 ? existing : (await store.UpdateOrgAsync(id, new OrganisationPatch(AllowedRepos: allowedRepos)))!;
        }
        return await store.CreateOrgAsync(new NewOrganisation(id, id + " team", AllowedRepos: allowedRepos));
    }

    /// <summary>A user with <paramref name="role"/> in <paramref name="orgId"/> and a token (obviously fake, <c>ns_test…</c>) with <paramref name="scopes"/> (default: every scope of the role).</summary>
    public static async Task<Member> MemberAsync(
        INightshiftStore store, string orgId, TeamRole role, IReadOnlyList<string>? scopes = null, DateTimeOffset? expiresAt = null, string? name = null)
    {
        var user = await store.CreateUserAsync(new NewTeamUser(orgId, name ?? role.Name() + "-" + Guid.NewGuid().ToString("N")[..6], role));
        var token = "ns_test" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var record = await store.CreateTokenAsync(new NewApiToken(
            orgId, user.Id, "test token", token[..7], SHA256.HashData(Encoding.UTF8.GetBytes(token)),
            scopes ?? [.. Scopes.ForRole(role)], expiresAt));
        return new Member(user, record, token);
    }

    /// <summary>The dashboard cookie (<c>name=value</c>) for <paramref name="user"/>, or for the first admin when null.</summary>
    public static async Task<string> SessionCookieAsync(RunningServer server, TeamUser? user = null)
    {
        user ??= (await server.Store.ListUsersAsync(OrgIds.Default)).First(u => u.Name == BootstrapAdmin.UserName);
        var caller = new Caller(user.OrgId, user.Id, user.Name, user.Role, Scopes.ForRole(user.Role), null, "session");
        var context = new DefaultHttpContext();
        server.App.Services.GetRequiredService<DashboardSession>().SignIn(context.Response, caller);
        var header = context.Response.Headers[HeaderNames.SetCookie].ToString();
        return header[..header.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>Forgets what the server cached about tokens and users, as the teams routes do after a change.</summary>
    public static void ForgetCached(RunningServer server) => server.App.Services.GetRequiredService<CallerCache>().ForgetAll();

    /// <summary>The antiforgery form value of a page (every page's layout has one; the sign-in page its form's).</summary>
    public static async Task<string> AntiforgeryAsync(HttpClient browser, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Accept", "text/html");
        using var response = await browser.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"__antiforgery\"[^>]*value=\"([^\"]+)\"");
        match.Success.ShouldBeTrue($"{path} ({(int)response.StatusCode}) has no antiforgery field");
        return match.Groups[1].Value;
    }

    public sealed record Member(TeamUser User, ApiTokenRecord Record, string Token);
}

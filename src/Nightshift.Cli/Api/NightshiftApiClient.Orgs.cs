using System.Text.Json;

namespace Nightshift.Cli.Api;

/// <summary>The organisation routes under <c>/api/v1/orgs</c>, and <c>/api/v1/me</c> for the caller's own organisation.</summary>
internal sealed partial class NightshiftApiClient
{
    public async Task<JsonElement> CreateOrgAsync(object body, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, "api/v1/orgs", body, cancellationToken);

    public async Task<JsonElement> ListOrgsAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, "api/v1/orgs", null, cancellationToken);

    public async Task<JsonElement> GetOrgAsync(string id, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, OrgPath(id), null, cancellationToken);

    public async Task<JsonElement> UpdateOrgAsync(string id, object body, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Patch, OrgPath(id), body, cancellationToken);

    public async Task<JsonElement> KillOrgAsync(string id, string reason, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, OrgPath(id) + "/kill", new { reason }, cancellationToken);

    /// <summary>The organisation the CLI's token belongs to (<c>GET /api/v1/me</c>).</summary>
    public async Task<string> OwnOrgIdAsync(CancellationToken cancellationToken = default)
    {
        var me = await CallAsync(HttpMethod.Get, "api/v1/me", null, cancellationToken);
        return me.ValueKind == JsonValueKind.Object && me.TryGetProperty("orgId", out var orgId) && orgId.ValueKind == JsonValueKind.String
            ? orgId.GetString()!
            : throw new ProtocolException("the server's answer to GET /api/v1/me has no 'orgId'; are the CLI and server the same version?");
    }

    /// <summary>The id is escaped: nothing typed on a command line reaches a URL path raw.</summary>
    public static string OrgPath(string id) => "api/v1/orgs/" + Uri.EscapeDataString(id);
}

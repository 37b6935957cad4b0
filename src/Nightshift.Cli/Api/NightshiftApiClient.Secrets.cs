using System.Text.Json;

namespace Nightshift.Cli.Api;

/// <summary>The organisation secret routes under <c>/api/v1/orgs/{id}/secrets</c>: values go up, never come back.</summary>
internal sealed partial class NightshiftApiClient
{
    public async Task<JsonElement> ListSecretsAsync(string orgId, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, SecretsPath(orgId), null, cancellationToken);

    public async Task<JsonElement> PutSecretAsync(string orgId, string name, string value, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Put, SecretsPath(orgId) + "/" + Uri.EscapeDataString(name), new { value }, cancellationToken);

    public async Task DeleteSecretAsync(string orgId, string name, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Delete, SecretsPath(orgId) + "/" + Uri.EscapeDataString(name), null, cancellationToken);

    /// <summary>The id is escaped: nothing typed on a command line reaches a URL path raw.</summary>
    private static string SecretsPath(string orgId) => "api/v1/orgs/" + Uri.EscapeDataString(orgId) + "/secrets";
}

using System.Globalization;
using System.Text.Json;

namespace Nightshift.Cli.Api;

/// <summary>The outbound endpoint routes under <c>/api/v1/webhooks</c>; answers are kept as JSON for <c>--json</c> and read into records for tables.</summary>
internal sealed partial class NightshiftApiClient
{
    public async Task<JsonElement> CreateEndpointAsync(object body, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, "api/v1/webhooks", body, cancellationToken);

    public async Task<JsonElement> ListEndpointsAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, "api/v1/webhooks", null, cancellationToken);

    public async Task<JsonElement> UpdateEndpointAsync(string id, object body, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Patch, EndpointPath(id), body, cancellationToken);

    public async Task DeleteEndpointAsync(string id, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Delete, EndpointPath(id), null, cancellationToken);

    public async Task<JsonElement> RotateSecretAsync(string id, TimeSpan? retireOthersAfter, CancellationToken cancellationToken = default) =>
        await CallAsync(
            HttpMethod.Post,
            EndpointPath(id) + "/secrets",
            new { retireOthersAfter = retireOthersAfter?.ToString("c", CultureInfo.InvariantCulture) },
            cancellationToken);

    public async Task<JsonElement> ListDeliveriesAsync(string id, string? state, int limit, CancellationToken cancellationToken = default)
    {
        var path = EndpointPath(id) + "/deliveries?limit=" + limit.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(state))
        {
            path += "&state=" + Uri.EscapeDataString(state);
        }
        return await CallAsync(HttpMethod.Get, path, null, cancellationToken);
    }

    public async Task<JsonElement> GetDeliveryAsync(string id, string deliveryId, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, EndpointPath(id) + "/deliveries/" + Uri.EscapeDataString(deliveryId), null, cancellationToken);

    public async Task<JsonElement> RedeliverAsync(string id, string deliveryId, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, EndpointPath(id) + "/deliveries/" + Uri.EscapeDataString(deliveryId) + "/redeliver", null, cancellationToken);

    /// <summary>The id is escaped: nothing typed on a command line reaches a URL path raw.</summary>
    public static string EndpointPath(string id) => "api/v1/webhooks/" + Uri.EscapeDataString(id);

    /// <returns>the answer's JSON, or an empty object when the server answered without a body (204).</returns>
    private async Task<JsonElement> CallAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body is null ? null : JsonBody(body), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(text) ? EmptyObject : ParseJson(text);
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Nightshift.Cli.Api;

/// <summary>The pipeline routes under <c>/api/v1/pipelines</c> and <c>/api/v1/runs</c>; answers are kept as JSON for <c>--json</c> and tables.</summary>
internal sealed partial class NightshiftApiClient
{
    public async Task<JsonElement> ListPipelinesAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, "api/v1/pipelines", null, cancellationToken);

    /// <returns>the stored pipeline and whether it was new (201) rather than replaced (200).</returns>
    public async Task<(JsonElement Pipeline, bool Created)> SavePipelineAsync(string yaml, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/v1/pipelines", JsonBody(new { yaml }), cancellationToken);
        return (await ReadJsonAsync(response, cancellationToken), response.StatusCode == HttpStatusCode.Created);
    }

    public async Task<JsonElement> GetPipelineAsync(string name, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, "api/v1/pipelines/" + Uri.EscapeDataString(name), null, cancellationToken);

    public async Task DeletePipelineAsync(string name, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Delete, "api/v1/pipelines/" + Uri.EscapeDataString(name), null, cancellationToken);

    /// <returns>the run and whether it was started now (201) rather than found by its idempotency key (200).</returns>
    public async Task<(JsonElement Run, bool Created)> StartRunAsync(object body, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/v1/runs", JsonBody(body), cancellationToken);
        return (await ReadJsonAsync(response, cancellationToken), response.StatusCode == HttpStatusCode.Created);
    }

    public async Task<JsonElement> ListRunsAsync(string? pipeline, string? state, int limit, CancellationToken cancellationToken = default)
    {
        var path = "api/v1/runs?limit=" + limit.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(pipeline))
        {
            path += "&pipeline=" + Uri.EscapeDataString(pipeline);
        }
        if (!string.IsNullOrEmpty(state))
        {
            path += "&state=" + Uri.EscapeDataString(state);
        }
        return await CallAsync(HttpMethod.Get, path, null, cancellationToken);
    }

    public async Task<JsonElement> GetRunAsync(string id, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, RunPath(id), null, cancellationToken);

    public async Task<JsonElement> DecideStepAsync(string id, string step, bool approve, string? reason, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, RunPath(id) + "/steps/" + Uri.EscapeDataString(step) + (approve ? "/approve" : "/reject"), new { reason }, cancellationToken);

    public async Task<JsonElement> CancelRunAsync(string id, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, RunPath(id) + "/cancel", null, cancellationToken);

    public async Task<IReadOnlyList<ApiEvent>> GetRunEventsAsync(string id, long after, int limit, CancellationToken cancellationToken = default)
    {
        var root = await CallAsync(HttpMethod.Get, FormattableString.Invariant($"{RunPath(id)}/events?after={after}&limit={limit}"), null, cancellationToken);
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new ProtocolException("the run's event list from the server is not a JSON array; is the URL a Nightshift server?");
        }
        return [.. root.EnumerateArray().Select(ToEvent)];
    }

    /// <summary>Follows the run's SSE stream from after <paramref name="lastSeq"/> until the server closes it.</summary>
    public IAsyncEnumerable<ApiEvent> StreamRunEventsAsync(string id, long lastSeq, CancellationToken cancellationToken = default) =>
        StreamAsync(RunPath(id) + "/events", lastSeq, cancellationToken);

    /// <summary>The id is escaped: nothing typed on a command line reaches a URL path raw.</summary>
    public static string RunPath(string id) => "api/v1/runs/" + Uri.EscapeDataString(id);
}

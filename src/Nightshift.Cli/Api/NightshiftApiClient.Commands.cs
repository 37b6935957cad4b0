using System.Globalization;
using System.Text.Json;

namespace Nightshift.Cli.Api;

/// <summary>A task's command audit trail (<c>GET /api/v1/tasks/{id}/commands</c>).</summary>
internal sealed partial class NightshiftApiClient
{
    public async Task<JsonElement> GetTaskCommandsAsync(string taskId, long after, int limit, CancellationToken cancellationToken = default) =>
        await CallAsync(
            HttpMethod.Get,
            $"api/v1/tasks/{Uri.EscapeDataString(taskId)}/commands?after={after.ToString(CultureInfo.InvariantCulture)}&limit={limit.ToString(CultureInfo.InvariantCulture)}",
            null,
            cancellationToken);
}

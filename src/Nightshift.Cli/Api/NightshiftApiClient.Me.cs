using System.Text.Json;

namespace Nightshift.Cli.Api;

/// <summary><c>GET /api/v1/me</c>: who the server takes this command's token for.</summary>
internal sealed partial class NightshiftApiClient
{
    public async Task<JsonElement> MeAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, "api/v1/me", null, cancellationToken);
}

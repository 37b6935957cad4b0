using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Nightshift.Cli.Api;

/// <summary>The token, user and audit routes (<c>/api/v1/tokens</c>, <c>/api/v1/users</c>, <c>/api/v1/audit</c>).</summary>
internal sealed partial class NightshiftApiClient
{
    public async Task<JsonElement> CreateTokenAsync(object body, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, "api/v1/tokens", body, cancellationToken);

    public async Task<JsonElement> ListTokensAsync(bool all, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, all ? "api/v1/tokens?all=true" : "api/v1/tokens", null, cancellationToken);

    public async Task<JsonElement> RevokeTokenAsync(string id, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Delete, "api/v1/tokens/" + Uri.EscapeDataString(id), null, cancellationToken);

    public async Task<JsonElement> CreateUserAsync(string name, string role, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Post, "api/v1/users", new { name, role }, cancellationToken);

    public async Task<JsonElement> ListUsersAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, "api/v1/users", null, cancellationToken);

    public async Task<JsonElement> UpdateUserAsync(string id, string? role, bool? disabled, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Patch, "api/v1/users/" + Uri.EscapeDataString(id), new { role, disabled }, cancellationToken);

    /// <param name="filters">query parameters (since, until, action, actor, target, before, limit, org); null values are left out.</param>
    public async Task<JsonElement> ListAuditAsync(IReadOnlyDictionary<string, string?> filters, CancellationToken cancellationToken = default) =>
        await CallAsync(HttpMethod.Get, "api/v1/audit" + Query(filters), null, cancellationToken);

    /// <summary>Copies the JSON-lines export to <paramref name="destination"/> as it arrives.</summary>
    public async Task ExportAuditAsync(IReadOnlyDictionary<string, string?> filters, TextWriter destination, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Get, "api/v1/audit/export" + Query(filters), null);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        using var response = await SendCoreAsync(request, HttpCompletionOption.ResponseHeadersRead, streaming: true, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                await destination.WriteLineAsync(line.AsMemory(), cancellationToken);
            }
        }
        await destination.FlushAsync(cancellationToken);
    }

    private static string Query(IReadOnlyDictionary<string, string?> filters)
    {
        var parts = filters
            .Where(f => !string.IsNullOrEmpty(f.Value))
            .Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value!))
            .ToList();
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    /// <summary>A time for the audit filters: an ISO date or time as given, or a span back from now (<c>30m</c>, <c>24h</c>, <c>7d</c>).</summary>
    /// <returns>null when <paramref name="text"/> is neither.</returns>
    public static string? AuditTime(string text, DateTimeOffset now)
    {
        var trimmed = text.Trim();
        if (trimmed.Length is >= 2 and <= 8
            && int.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount is > 0 and <= 100_000)
        {
            TimeSpan? span = char.ToLowerInvariant(trimmed[^1]) switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } back)
            {
                return (now - back).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            }
        }
        return trimmed.Length <= 40 && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
            ? trimmed
            : null;
    }
}

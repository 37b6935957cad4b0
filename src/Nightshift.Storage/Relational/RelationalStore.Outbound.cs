using System.Data.Common;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Storage.Outbound;

namespace Nightshift.Storage.Relational;

// The outbound store's endpoints and their secrets; deliveries and the outbox are in RelationalStore.OutboundDeliveries.cs.
internal abstract partial class RelationalStore
{
    private const string EndpointColumns =
        "id, channel, url, recipients, description, event_types, repositories, active, disabled_reason, managed_by, " +
        "max_in_flight, max_per_minute, created_at, updated_at, org_id";

    private const string SecretColumns = "endpoint_id, id, value, created_at, expires_at";

    public async Task<OutboundEndpoint> CreateEndpointAsync(NewOutboundEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        var valid = OutboundChecks.Endpoint(endpoint);
        var id = valid.Id ?? OutboundChecks.NewId("we_");
        OutboundEndpoint created;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await RequireRoomForEndpointAsync(scope.Session, 1, cancellationToken).ConfigureAwait(false);
            if (!await InsertEndpointAsync(scope.Session, id, valid, NowMs(), cancellationToken).ConfigureAwait(false))
            {
                throw new ValidationException("id", $"an endpoint with the id '{id}' already exists; choose another id");
            }
            created = (await LoadEndpointsAsync(scope.Session, id, cancellationToken).ConfigureAwait(false))[0];
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return created;
    }

    public async Task<OutboundEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeEndpointId(id))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await LoadEndpointsAsync(new DbSession(connection, null), id, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<OutboundEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await LoadEndpointsAsync(new DbSession(connection, null), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboundEndpoint>> ListEndpointsAsync(string orgId, CancellationToken cancellationToken = default)
    {
        if (!Core.Teams.OrgIds.IsValid(orgId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await LoadEndpointsAsync(new DbSession(connection, null), null, orgId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboundEndpoint?> UpdateEndpointAsync(string id, OutboundEndpointPatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (!LooksLikeEndpointId(id))
        {
            return null;
        }
        OutboundEndpoint? updated;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var found = await LoadEndpointsAsync(scope.Session, id, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return null;
            }
            var current = found[0];
            RequireManagedByApi(current);
            var url = patch.Url ?? current.Url;
            OutboundChecks.Url(current.Channel, url);
            var recipients = patch.Recipients is null ? current.Recipients : OutboundChecks.Recipients(current.Channel, patch.Recipients);
            var description = patch.Description is null ? current.Description : patch.Description.Length == 0 ? null : patch.Description;
            OutboundChecks.Description(description);
            var types = patch.EventTypes is null ? current.EventTypes : OutboundChecks.EventTypes(patch.EventTypes);
            var repositories = patch.Repositories is null ? current.Repositories : OutboundChecks.Repositories(patch.Repositories);
            var maxInFlight = patch.MaxInFlight ?? current.MaxInFlight;
            OutboundChecks.MaxInFlight(maxInFlight);
            var maxPerMinute = patch.MaxPerMinute ?? current.MaxPerMinute;
            OutboundChecks.MaxPerMinute(maxPerMinute);
            var now = Now();
            var (active, reason) = patch.Active switch
            {
                true => (true, (string?)null),
                false when current.Active => (false, $"turned off through the API at {OutboundChecks.Iso(now)}"),
                _ => (current.Active, current.DisabledReason),
            };
            await scope.Session.ExecuteAsync(
                """
                UPDATE outbound_endpoints SET url = @url, recipients = @recipients, description = @description, event_types = @types,
                    repositories = @repositories, active = @active, disabled_reason = @reason, max_in_flight = @inFlight,
                    max_per_minute = @perMinute, updated_at = @now
                WHERE id = @id
                """,
                [
                    ("id", id), ("url", url), ("recipients", ToJson(recipients)), ("description", description), ("types", ToJson(types)),
                    ("repositories", ToJson(repositories)), ("active", active ? 1L : 0L), ("reason", reason), ("inFlight", (long)maxInFlight),
                    ("perMinute", (long)maxPerMinute), ("now", TaskColumns.Ms(now)),
                ],
                cancellationToken).ConfigureAwait(false);
            updated = (await LoadEndpointsAsync(scope.Session, id, cancellationToken).ConfigureAwait(false))[0];
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return updated;
    }

    public async Task<bool> DeleteEndpointAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeEndpointId(id))
        {
            return false;
        }
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var managedBy = (string?)await scope.Session.ScalarAsync(
                "SELECT managed_by FROM outbound_endpoints WHERE id = @id", [("id", id)], cancellationToken).ConfigureAwait(false);
            if (managedBy is null)
            {
                return false;
            }
            if (managedBy == OutboundEndpoint.ManagedByConfig)
            {
                throw ManagedByConfiguration(id);
            }
            await RemoveEndpointAsync(scope.Session, id, CancellationToken.None).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return true;
    }

    public async Task<OutboundEndpoint?> AddSecretAsync(string endpointId, string secret, DateTimeOffset? retireOthersAt, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeEndpointId(endpointId))
        {
            return null;
        }
        OutboundEndpoint updated;
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var found = await LoadEndpointsAsync(scope.Session, endpointId, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return null;
            }
            var current = found[0];
            RequireManagedByApi(current);
            if (current.Channel != OutboundChannel.Webhook)
            {
                throw new ValidationException("secret", $"only webhook endpoints sign their deliveries; '{endpointId}' is a {OutboundChecks.ChannelName(current.Channel)} endpoint");
            }
            OutboundChecks.Secret(secret);
            var now = NowMs();
            if (retireOthersAt is { } retire && TaskColumns.Ms(retire) < now)
            {
                throw new ValidationException("retireOthersAt", "is in the past; give a time from now on (now retires the other secrets at once)");
            }
            var live = current.Secrets.Where(s => s.ExpiresAt is not { } at || TaskColumns.Ms(at) > now).ToList();
            if (live.Any(s => s.Value == secret))
            {
                throw new ValidationException("secret", "is already one of this endpoint's secrets; make a new one");
            }
            if (live.Count >= OutboundEndpoint.MaxSecrets)
            {
                throw new ValidationException(
                    "secret",
                    $"endpoint '{endpointId}' already has {OutboundEndpoint.MaxSecrets} secrets that sign; remove one, or retire the others when adding this one");
            }
            await scope.Session.ExecuteAsync(
                "DELETE FROM outbound_secrets WHERE endpoint_id = @id AND expires_at IS NOT NULL AND expires_at <= @now",
                [("id", endpointId), ("now", now)],
                cancellationToken).ConfigureAwait(false);
            var secretId = OutboundChecks.NewId("sec_");
            await InsertSecretAsync(scope.Session, endpointId, secretId, secret, now, cancellationToken).ConfigureAwait(false);
            if (retireOthersAt is { } at)
            {
                await scope.Session.ExecuteAsync(
                    "UPDATE outbound_secrets SET expires_at = @at WHERE endpoint_id = @id AND id <> @secret AND (expires_at IS NULL OR expires_at > @at)",
                    [("id", endpointId), ("secret", secretId), ("at", TaskColumns.Ms(at))],
                    cancellationToken).ConfigureAwait(false);
            }
            await TouchEndpointAsync(scope.Session, endpointId, now, cancellationToken).ConfigureAwait(false);
            updated = (await LoadEndpointsAsync(scope.Session, endpointId, cancellationToken).ConfigureAwait(false))[0];
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return updated;
    }

    public async Task<bool> RemoveSecretAsync(string endpointId, string secretId, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeEndpointId(endpointId) || !LooksLikeEndpointId(secretId))
        {
            return false;
        }
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var found = await LoadEndpointsAsync(scope.Session, endpointId, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return false;
            }
            var current = found[0];
            var secret = current.Secrets.FirstOrDefault(s => s.Id == secretId);
            if (secret is null)
            {
                return false;
            }
            RequireManagedByApi(current);
            var now = Now();
            if (secret.IsActiveAt(now) && !current.Secrets.Any(s => s.Id != secretId && s.IsActiveAt(now)))
            {
                throw new ValidationException(
                    "secretId",
                    $"'{secretId}' is the last secret of endpoint '{endpointId}' that signs; add a new secret first (rotate), then remove this one");
            }
            await scope.Session.ExecuteAsync(
                "DELETE FROM outbound_secrets WHERE endpoint_id = @endpoint AND id = @id",
                [("endpoint", endpointId), ("id", secretId)],
                cancellationToken).ConfigureAwait(false);
            await TouchEndpointAsync(scope.Session, endpointId, TaskColumns.Ms(now), cancellationToken).ConfigureAwait(false);
            await CommitAsync(scope).ConfigureAwait(false);
        }
        return true;
    }

    public async Task SyncConfiguredEndpointsAsync(IReadOnlyList<NewOutboundEndpoint> endpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count > OutboundEndpoint.MaxEndpoints)
        {
            throw new ValidationException("endpoints", $"are {endpoints.Count}; at most {OutboundEndpoint.MaxEndpoints} are accepted");
        }
        var wanted = new List<NewOutboundEndpoint>(endpoints.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoint, nameof(endpoints));
            var valid = OutboundChecks.Endpoint(endpoint with { ManagedBy = OutboundEndpoint.ManagedByConfig });
            if (!ids.Add(valid.Id!))
            {
                throw new ValidationException("id", $"'{valid.Id}' is declared twice in the configuration; give each endpoint its own id");
            }
            wanted.Add(valid);
        }
        await using (var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var now = NowMs();
            var existing = (await LoadEndpointsAsync(scope.Session, null, cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Id, StringComparer.Ordinal);
            foreach (var gone in existing.Values.Where(e => e.ManagedBy == OutboundEndpoint.ManagedByConfig && !ids.Contains(e.Id)))
            {
                await RemoveEndpointAsync(scope.Session, gone.Id, cancellationToken).ConfigureAwait(false);
            }
            var added = wanted.Count(w => !existing.ContainsKey(w.Id!));
            await RequireRoomForEndpointAsync(scope.Session, added, cancellationToken).ConfigureAwait(false);
            foreach (var endpoint in wanted)
            {
                if (!existing.TryGetValue(endpoint.Id!, out var current))
                {
                    await InsertEndpointAsync(scope.Session, endpoint.Id!, endpoint, now, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (current.ManagedBy != OutboundEndpoint.ManagedByConfig)
                {
                    throw new ValidationException(
                        "id",
                        $"'{current.Id}' is an endpoint made through the API; give the endpoint in the configuration another id, or remove the API's one first");
                }
                await ApplyConfiguredAsync(scope.Session, current, endpoint, now, cancellationToken).ConfigureAwait(false);
            }
            await CommitAsync(scope).ConfigureAwait(false);
        }
    }

    /// <summary>Brings a configured endpoint in line with its declaration; its active flag (a 410 may have cleared it) is kept.</summary>
    private async Task ApplyConfiguredAsync(DbSession session, OutboundEndpoint current, NewOutboundEndpoint wanted, long now, CancellationToken cancellationToken)
    {
        var same = current.Channel == wanted.Channel && current.Url == wanted.Url && current.Description == wanted.Description
            && current.Recipients.SequenceEqual(wanted.Recipients, StringComparer.Ordinal)
            && current.EventTypes.SequenceEqual(wanted.EventTypes, StringComparer.Ordinal)
            && current.Repositories.SequenceEqual(wanted.Repositories, StringComparer.Ordinal)
            && current.MaxInFlight == wanted.MaxInFlight && current.MaxPerMinute == wanted.MaxPerMinute;
        var secretsSame = wanted.Secret is null
            ? current.Secrets.Count == 0
            : current.Secrets is [var only] && only.Value == wanted.Secret && only.ExpiresAt is null;
        if (same && secretsSame)
        {
            return;
        }
        await session.ExecuteAsync(
            """
            UPDATE outbound_endpoints SET channel = @channel, url = @url, recipients = @recipients, description = @description,
                event_types = @types, repositories = @repositories, max_in_flight = @inFlight, max_per_minute = @perMinute, updated_at = @now
            WHERE id = @id
            """,
            [
                ("id", current.Id), ("channel", OutboundChecks.ChannelName(wanted.Channel)), ("url", wanted.Url),
                ("recipients", ToJson(wanted.Recipients)), ("description", wanted.Description), ("types", ToJson(wanted.EventTypes)),
                ("repositories", ToJson(wanted.Repositories)), ("inFlight", (long)wanted.MaxInFlight), ("perMinute", (long)wanted.MaxPerMinute),
                ("now", now),
            ],
            cancellationToken).ConfigureAwait(false);
        if (!secretsSame)
        {
            await session.ExecuteAsync("DELETE FROM outbound_secrets WHERE endpoint_id = @id", [("id", current.Id)], cancellationToken).ConfigureAwait(false);
            if (wanted.Secret is not null)
            {
                await InsertSecretAsync(session, current.Id, OutboundChecks.NewId("sec_"), wanted.Secret, now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> InsertEndpointAsync(DbSession session, string id, NewOutboundEndpoint endpoint, long now, CancellationToken cancellationToken)
    {
        var inserted = await session.ExecuteAsync(
            $"""
            INSERT INTO outbound_endpoints ({EndpointColumns})
            VALUES (@id, @channel, @url, @recipients, @description, @types, @repositories, 1, NULL, @managedBy, @inFlight, @perMinute, @now, @now, @org)
            ON CONFLICT (id) DO NOTHING
            """,
            [
                ("id", id), ("channel", OutboundChecks.ChannelName(endpoint.Channel)), ("url", endpoint.Url),
                ("recipients", ToJson(endpoint.Recipients)), ("description", endpoint.Description), ("types", ToJson(endpoint.EventTypes)),
                ("repositories", ToJson(endpoint.Repositories)), ("managedBy", endpoint.ManagedBy), ("inFlight", (long)endpoint.MaxInFlight),
                ("perMinute", (long)endpoint.MaxPerMinute), ("now", now), ("org", endpoint.OrgId),
            ],
            cancellationToken).ConfigureAwait(false);
        if (inserted > 0 && endpoint.Secret is not null)
        {
            await InsertSecretAsync(session, id, OutboundChecks.NewId("sec_"), endpoint.Secret, now, cancellationToken).ConfigureAwait(false);
        }
        return inserted > 0;
    }

    private static Task InsertSecretAsync(DbSession session, string endpointId, string secretId, string value, long now, CancellationToken cancellationToken) =>
        session.ExecuteAsync(
            "INSERT INTO outbound_secrets (id, endpoint_id, value, created_at, expires_at) VALUES (@id, @endpoint, @value, @now, NULL)",
            [("id", secretId), ("endpoint", endpointId), ("value", value), ("now", now)],
            cancellationToken);

    private static Task TouchEndpointAsync(DbSession session, string id, long now, CancellationToken cancellationToken) =>
        session.ExecuteAsync("UPDATE outbound_endpoints SET updated_at = @now WHERE id = @id", [("id", id), ("now", now)], cancellationToken);

    /// <summary>The endpoint with its deliveries, their attempts and its secrets: nothing of it is left behind.</summary>
    private static async Task RemoveEndpointAsync(DbSession session, string id, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync(
            """
            DELETE FROM outbound_attempts WHERE delivery_id IN (SELECT id FROM outbound_deliveries WHERE endpoint_id = @id);
            DELETE FROM outbound_deliveries WHERE endpoint_id = @id;
            DELETE FROM outbound_secrets WHERE endpoint_id = @id;
            DELETE FROM outbound_endpoints WHERE id = @id;
            """,
            [("id", id)],
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task RequireRoomForEndpointAsync(DbSession session, int adding, CancellationToken cancellationToken)
    {
        if (adding <= 0)
        {
            return;
        }
        var count = Convert.ToInt64(await session.ScalarAsync("SELECT COUNT(*) FROM outbound_endpoints", [], cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (count + adding > OutboundEndpoint.MaxEndpoints)
        {
            throw new ValidationException("endpoints", $"there are already {count} endpoints, and at most {OutboundEndpoint.MaxEndpoints} are kept; remove ones no longer used first");
        }
    }

    /// <summary>
    /// Endpoints oldest first with their secrets oldest first; one, or every one when <paramref name="id"/> is null
    /// (only <paramref name="orgId"/>'s when given).
    /// </summary>
    private static Task<List<OutboundEndpoint>> LoadEndpointsAsync(DbSession session, string? id, CancellationToken cancellationToken) =>
        LoadEndpointsAsync(session, id, null, cancellationToken);

    private static async Task<List<OutboundEndpoint>> LoadEndpointsAsync(DbSession session, string? id, string? orgId, CancellationToken cancellationToken)
    {
        var (where, secretWhere, args) = (id, orgId) switch
        {
            (not null, _) => (" WHERE id = @id", " WHERE endpoint_id = @id", (IReadOnlyList<(string Name, object? Value)>)[("id", id)]),
            (null, not null) => (
                " WHERE org_id = @org",
                " WHERE endpoint_id IN (SELECT id FROM outbound_endpoints WHERE org_id = @org)",
                [("org", orgId)]),
            _ => ("", "", []),
        };
        var endpoints = await session.QueryAsync($"SELECT {EndpointColumns} FROM outbound_endpoints{where} ORDER BY num", args, ReadEndpoint, cancellationToken).ConfigureAwait(false);
        if (endpoints.Count == 0)
        {
            return endpoints;
        }
        var secrets = (await session.QueryAsync(
            $"SELECT {SecretColumns} FROM outbound_secrets{secretWhere} ORDER BY num",
            args,
            r => (EndpointId: r.GetString(0), Secret: new OutboundSecret(r.GetString(1), r.GetString(2), TaskColumns.Time(r.GetInt64(3)), r.IsDBNull(4) ? null : TaskColumns.Time(r.GetInt64(4)))),
            cancellationToken).ConfigureAwait(false)).ToLookup(s => s.EndpointId, s => s.Secret, StringComparer.Ordinal);
        return endpoints.Select(e => e with { Secrets = secrets[e.Id].ToArray() }).ToList();
    }

    private static OutboundEndpoint ReadEndpoint(DbDataReader r) => new(
        Id: r.GetString(0),
        Channel: OutboundChecks.ParseChannel(r.GetString(1)),
        Url: r.IsDBNull(2) ? null : r.GetString(2),
        Recipients: FromJson(r.GetString(3)),
        Description: r.IsDBNull(4) ? null : r.GetString(4),
        EventTypes: FromJson(r.GetString(5)),
        Repositories: FromJson(r.GetString(6)),
        Active: r.GetInt64(7) != 0,
        DisabledReason: r.IsDBNull(8) ? null : r.GetString(8),
        ManagedBy: r.GetString(9),
        MaxInFlight: (int)r.GetInt64(10),
        MaxPerMinute: (int)r.GetInt64(11),
        Secrets: [],
        CreatedAt: TaskColumns.Time(r.GetInt64(12)),
        UpdatedAt: TaskColumns.Time(r.GetInt64(13)))
    {
        OrgId = r.GetString(14),
    };

    private static void RequireManagedByApi(OutboundEndpoint endpoint)
    {
        if (endpoint.ManagedBy == OutboundEndpoint.ManagedByConfig)
        {
            throw ManagedByConfiguration(endpoint.Id);
        }
    }

    private static ValidationException ManagedByConfiguration(string id) =>
        new("id", $"endpoint '{id}' is managed by the configuration file; change or remove it there and restart the server, not through the API");

    /// <summary>Ids the store makes (<c>we_…</c>, <c>sec_…</c>, <c>msg_…</c>) and configured ids: anything else cannot name a row.</summary>
    private static bool LooksLikeEndpointId(string? id) =>
        id is { Length: > 0 and <= OutboundEndpoint.MaxIdLength + 4 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string ToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values.ToArray());

    private static string[] FromJson(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];
}

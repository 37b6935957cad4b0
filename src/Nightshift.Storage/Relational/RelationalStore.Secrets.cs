using System.Data.Common;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Storage.Relational;

// Organisation secrets (ciphertext only) and the Data Protection key ring of a fleet (ISecretStore).
internal abstract partial class RelationalStore
{
    public async Task<SecretInfo> PutSecretAsync(string orgId, string name, string ciphertext, CancellationToken cancellationToken = default)
    {
        TeamChecks.OrgId("orgId", orgId);
        TeamChecks.SecretName(name);
        TeamChecks.Ciphertext(ciphertext);
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await RequireOrgAsync(scope.Session, orgId, cancellationToken).ConfigureAwait(false);
        // Replacing keeps when the secret was first made; only its value and updated_at change.
        var stored = await scope.Session.QuerySingleAsync(
            """
            INSERT INTO org_secrets (org_id, name, ciphertext, created_at, updated_at) VALUES (@org, @name, @value, @now, @now)
            ON CONFLICT (org_id, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at
            RETURNING org_id, name, created_at, updated_at
            """,
            [("org", orgId), ("name", name), ("value", ciphertext), ("now", NowMs())],
            ReadSecretInfo,
            cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the secret {name} of {orgId} was written and not returned");
        await CommitAsync(scope).ConfigureAwait(false);
        return stored;
    }

    public async Task<string?> GetSecretCiphertextAsync(string orgId, string name, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !TeamChecks.IsSecretName(name))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (string?)await new DbSession(connection, null).ScalarAsync(
            "SELECT ciphertext FROM org_secrets WHERE org_id = @org AND name = @name",
            [("org", orgId), ("name", name)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SecretInfo>> ListSecretsAsync(string orgId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            "SELECT org_id, name, created_at, updated_at FROM org_secrets WHERE org_id = @org ORDER BY name",
            [("org", orgId)],
            ReadSecretInfo,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteSecretAsync(string orgId, string name, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !TeamChecks.IsSecretName(name))
        {
            return false;
        }
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false);
        var deleted = await scope.Session.ExecuteAsync(
            "DELETE FROM org_secrets WHERE org_id = @org AND name = @name",
            [("org", orgId), ("name", name)],
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return deleted > 0;
    }

    public async Task<IReadOnlyList<string>> ListProtectionKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            "SELECT xml FROM protection_keys ORDER BY num",
            [],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task AddProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default)
    {
        TeamChecks.ProtectionKey(name, xml);
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false);
        await scope.Session.ExecuteAsync(
            "INSERT INTO protection_keys (name, xml, created_at) VALUES (@name, @xml, @now) ON CONFLICT (name) DO NOTHING",
            [("name", name), ("xml", xml), ("now", NowMs())],
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    private static SecretInfo ReadSecretInfo(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), TaskColumns.Time(r.GetInt64(2)), TaskColumns.Time(r.GetInt64(3)));
}

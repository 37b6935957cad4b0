using Microsoft.Extensions.Logging;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Secrets;

/// <summary>What the secrets routes and <c>nightshift secret</c> do: encrypt before the store sees a value, and never give one back.</summary>
internal sealed partial class OrgSecretService(
    ISecretStore secrets,
    ITeamStore teams,
    ISecretProtector protector,
    OrgSecrets cache,
    SecretValues values,
    ILogger<OrgSecretService> logger)
{
    /// <returns>whether <paramref name="caller"/> may manage the secrets of <paramref name="orgId"/>: its own org's admin, or the installation's admin for an org that exists. Anything else is answered as if the org did not exist.</returns>
    public async Task<bool> MayManageAsync(Caller caller, string orgId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!OrgIds.IsValid(orgId) || !caller.Has(Scopes.Admin))
        {
            return false;
        }
        if (caller.OrgId == orgId)
        {
            return true;
        }
        return caller.IsInstallationAdmin && await teams.FindOrgAsync(orgId, cancellationToken) is not null;
    }

    public Task<IReadOnlyList<SecretInfo>> ListAsync(string orgId, CancellationToken cancellationToken = default) =>
        secrets.ListSecretsAsync(orgId, cancellationToken);

    /// <returns>the secret's name and times, and whether it is new (false: an existing value was replaced).</returns>
    public async Task<(SecretInfo Info, bool Created)> PutAsync(string orgId, string name, string value, Caller caller, CancellationToken cancellationToken = default)
    {
        SecretNames.Check(name);
        SecretNames.CheckValue(value);
        values.Add(value);
        var existed = await secrets.GetSecretCiphertextAsync(orgId, name, cancellationToken) is not null;
        var ciphertext = protector.Protect(SecretPurpose.OrgSecret, value, OrgSecrets.Context(orgId, name));
        var info = await secrets.PutSecretAsync(orgId, name, ciphertext, cancellationToken);
        cache.Forget(orgId, name);
        LogSecretSet(logger, orgId, name, caller.UserId, existed ? "replaced" : "created");
        return (info, !existed);
    }

    public async Task<bool> DeleteAsync(string orgId, string name, Caller caller, CancellationToken cancellationToken = default)
    {
        if (!SecretNames.IsWellFormed(name))
        {
            return false;
        }
        var deleted = await secrets.DeleteSecretAsync(orgId, name, cancellationToken);
        cache.Forget(orgId, name);
        if (deleted)
        {
            LogSecretRemoved(logger, orgId, name, caller.UserId);
        }
        return deleted;
    }

    [LoggerMessage(EventId = 3640, Level = LogLevel.Information, Message = "secret {Name} of organisation {OrgId} {Change} by {UserId}")]
    private static partial void LogSecretSet(ILogger logger, string orgId, string name, string userId, string change);

    [LoggerMessage(EventId = 3641, Level = LogLevel.Information, Message = "secret {Name} of organisation {OrgId} removed by {UserId}")]
    private static partial void LogSecretRemoved(ILogger logger, string orgId, string name, string userId);
}

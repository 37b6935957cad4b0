using System.Text.Json;
using Nightshift.Core.Teams;
using Nightshift.Storage;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Audit;

/// <summary>
/// Appends to the audit log. The HTTP middleware records every state-changing request; code that acts without a request
/// (an OpenID Connect sign-in finished by its handler, a kill switch pulled by the server) calls <see cref="RecordAsync"/>.
/// A failed append is logged and never fails what was audited.
/// </summary>
public sealed partial class AuditLog(INightshiftStore store, ILogger<AuditLog> logger)
{
    /// <summary>The actor of a request nobody was signed in for (a failed sign-in).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The actor of what the server does by itself.</summary>
    public const string System = "system";

    /// <param name="caller">who did it; null for <see cref="Anonymous"/>.</param>
    /// <param name="action"><c>noun.verb</c>, such as <c>session.signin</c>.</param>
    /// <param name="target">what it was done to; null when nothing in particular.</param>
    /// <param name="outcome">the HTTP status answered, or 0 when it did not come through the API.</param>
    /// <param name="detail">a few plain fields; never a secret, never a request body.</param>
    /// <returns>true when the entry was written.</returns>
    public async Task<bool> RecordAsync(
        Caller? caller,
        string action,
        string? target,
        int outcome,
        string? address,
        IReadOnlyDictionary<string, string>? detail = null,
        CancellationToken cancellationToken = default)
    {
        var entry = new NewAuditEntry(
            caller?.OrgId ?? OrgIds.Default,
            caller?.UserId ?? Anonymous,
            Cut(caller?.UserName ?? Anonymous, TeamUser.MaxNameLength)!,
            caller?.TokenId,
            Cut(action, AuditEntry.MaxActionLength)!,
            Cut(target, AuditEntry.MaxTargetLength),
            outcome,
            Cut(address, 64),
            detail is null || detail.Count == 0 ? null : Cut(JsonSerializer.Serialize(detail), AuditEntry.MaxDetailLength));
        try
        {
            await store.AppendAuditAsync(entry, cancellationToken);
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAppendFailed(logger, entry.Action, entry.OrgId, entry.ActorId, error);
            return false;
        }
    }

    private static string? Cut(string? value, int max)
    {
        if (value is null)
        {
            return null;
        }
        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= max ? clean : clean[..max];
    }

    [LoggerMessage(EventId = 3570, Level = LogLevel.Error, Message = "The audit log could not record {Action} in organisation {OrgId} by {ActorId}; the action itself went ahead")]
    private static partial void LogAppendFailed(ILogger logger, string action, string orgId, string actorId, Exception error);
}

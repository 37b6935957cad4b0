namespace Nightshift.Storage.Teams;

/// <summary>The audit log: append and read, nothing else (no update, no delete).</summary>
public interface IAuditStore
{
    Task<AuditEntry> AppendAuditAsync(NewAuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<AuditPage> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken = default);
}

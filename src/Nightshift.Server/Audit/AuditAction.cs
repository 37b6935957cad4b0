namespace Nightshift.Server.Audit;

/// <summary>What an audited request is called in the log (<c>noun.verb</c>) and where its target comes from.</summary>
internal sealed record AuditAction(string Name, AuditTarget Target);

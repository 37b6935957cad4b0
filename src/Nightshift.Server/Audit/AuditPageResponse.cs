namespace Nightshift.Server.Audit;

/// <param name="NextBefore">pass as <c>before</c> for the next (older) page; null at the end.</param>
internal sealed record AuditPageResponse(IReadOnlyList<AuditEntryView> Items, long? NextBefore);

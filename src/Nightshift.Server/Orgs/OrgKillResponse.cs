namespace Nightshift.Server.Orgs;

/// <summary>What the kill switch did.</summary>
/// <param name="Cancelled">tasks that were waiting (queued, awaiting approval or an answer) and are cancelled now.</param>
/// <param name="Stopping">running tasks asked to stop: each ends as cancelled once its worker sees the request (its next heartbeat).</param>
internal sealed record OrgKillResponse(string OrgId, string Reason, IReadOnlyList<string> Cancelled, IReadOnlyList<string> Stopping);

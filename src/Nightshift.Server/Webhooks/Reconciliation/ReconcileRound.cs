namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary>What one reconciliation round did: repositories looked in, synthetic deliveries handed to the intake (new or not), repositories whose forge failed.</summary>
internal sealed record ReconcileRound(int Repositories, int Handed, int Accepted, int Failed);

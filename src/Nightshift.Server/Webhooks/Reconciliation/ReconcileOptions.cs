namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary>
/// Configuration section <c>Webhooks</c>, the part reconciliation reads: how often to look for labelled issues and
/// commands whose deliveries were missed while the server was down, and which repositories to look in besides those
/// that sent a delivery since the server started.
/// </summary>
internal sealed class ReconcileOptions
{
    public const string Section = "Webhooks";

    public const int MaxMinutes = 1_440;

    public const int MaxLookbackMinutes = 43_200;

    public const int MaxRepositories = 500;

    /// <summary>Minutes between rounds (the first runs at start); 0 turns reconciliation off.</summary>
    public int ReconcileMinutes { get; set; } = 5;

    /// <summary>How far back the first round after a start looks, in minutes.</summary>
    public int ReconcileLookbackMinutes { get; set; } = 1_440;

    public ReconcileRepositories GitHub { get; set; } = new();

    public ReconcileRepositories GitLab { get; set; } = new();

    public ReconcileRepositories Gitea { get; set; } = new();
}

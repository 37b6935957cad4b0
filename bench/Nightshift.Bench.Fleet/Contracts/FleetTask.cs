namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>A submitted task: its spec, the id the API gave it, and what the harness did to it (times in UTC).</summary>
public sealed class FleetTask(FleetTaskSpec spec, string id, DateTimeOffset submittedAt)
{
    public FleetTaskSpec Spec { get; } = spec;

    public string Id { get; } = id;

    public DateTimeOffset SubmittedAt { get; } = submittedAt;

    /// <summary>When the harness approved its plan (Approval kind), if it did.</summary>
    public DateTimeOffset? ApprovedAt { get; set; }

    /// <summary>When the harness asked to cancel it (Cancel kind), if it did.</summary>
    public DateTimeOffset? CancelRequestedAt { get; set; }

    /// <summary>The final status the API reported when the harness saw it end, or null when it never ended.</summary>
    public string? FinalStatus { get; set; }
}

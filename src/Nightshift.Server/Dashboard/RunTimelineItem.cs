namespace Nightshift.Server.Dashboard;

/// <summary>One entry of a run's timeline: the event's line for a person (<c>EventSummary</c>) and its JSON, folded.</summary>
internal sealed record RunTimelineItem(long Sequence, DateTimeOffset Time, string Type, string Summary, string Details)
{
    /// <summary>good, bad, wait or plain: the entry's colour.</summary>
    public string Kind => Type switch
    {
        "run.succeeded" or "step.succeeded" or "step.approved" => "good",
        "run.failed" or "run.cancelled" or "step.failed" or "step.rejected" => "bad",
        "run.needs_review" or "step.awaiting_approval" or "step.skipped" => "wait",
        _ => "plain",
    };
}

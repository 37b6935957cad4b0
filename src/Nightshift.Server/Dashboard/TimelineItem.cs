namespace Nightshift.Server.Dashboard;

/// <summary>
/// One entry of a task page's timeline. <see cref="AnchorId"/> names an entry a later one folds into (a tool call's
/// result) — <see cref="FoldInto"/> on the later entry; <see cref="MergeKey"/> joins consecutive output of one command.
/// </summary>
internal sealed record TimelineItem(long Sequence, DateTimeOffset Time, string Type, string Kind, string Title)
{
    public string? Summary { get; init; }

    /// <summary>An event kept for the record rather than for people (a checkpoint); hidden on the page unless asked for.</summary>
    public bool Bookkeeping { get; init; }

    public string? DetailsLabel { get; init; }

    public string? Details { get; init; }

    public string? ResultLabel { get; set; }

    public string? Result { get; set; }

    public bool IsError { get; set; }

    public string? AnchorId { get; init; }

    public string? FoldInto { get; init; }

    public string? MergeKey { get; init; }

    public List<string> Lines { get; init; } = [];
}

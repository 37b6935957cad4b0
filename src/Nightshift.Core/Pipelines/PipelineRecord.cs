using Nightshift.Core.Teams;

namespace Nightshift.Core.Pipelines;

/// <summary>A pipeline registered through the API (one name per organisation), kept as the YAML it was given.</summary>
public sealed record PipelineRecord
{
    public required string Id { get; init; }

    public string OrgId { get; init; } = OrgIds.Default;

    public required string Name { get; init; }

    /// <summary>The YAML as registered (it parsed without problems then).</summary>
    public required string Yaml { get; init; }

    /// <summary>The schedule's cron expression and time zone, copied from the YAML so the scheduler need not parse it.</summary>
    public string? Schedule { get; init; }

    public string? TimeZone { get; init; }

    /// <summary>When the schedule next starts a run; null when it has none.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

using Nightshift.Core.Teams;

namespace Nightshift.Core.Pipelines;

/// <summary>A pipeline run as stored.</summary>
public sealed record RunRecord
{
    public required string Id { get; init; }

    public string OrgId { get; init; } = OrgIds.Default;

    public required string Pipeline { get; init; }

    public string? PipelineId { get; init; }

    /// <summary>The definition snapshot; null until a repository pipeline was read.</summary>
    public string? Yaml { get; init; }

    public required string Repo { get; init; }

    public string? BaseBranch { get; init; }

    /// <summary>The run's branch, which every step continues (<c>nightshift/run-&lt;short id&gt;</c>).</summary>
    public required string Branch { get; init; }

    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    public RunState State { get; init; }

    public string Trigger { get; init; } = "api";

    public string? CreatedBy { get; init; }

    /// <summary>Why the run failed or needs review, in words a person can act on.</summary>
    public string? Reason { get; init; }

    /// <summary>The pull request's reference, once the run opened one.</summary>
    public string? PullRequest { get; init; }

    public bool CancelRequested { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The coordinator holding the run now, if any (never its lease token).</summary>
    public string? LeaseOwner { get; init; }
}

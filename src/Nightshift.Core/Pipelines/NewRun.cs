using Nightshift.Core.Teams;

namespace Nightshift.Core.Pipelines;

/// <summary>A run to start: which pipeline, on which repository, with which inputs; checked by the caller (API, scheduler).</summary>
public sealed record NewRun
{
    public string OrgId { get; init; } = OrgIds.Default;

    /// <summary>The pipeline's name.</summary>
    public required string Pipeline { get; init; }

    /// <summary>The registered pipeline's id; null for one read from the repository's <c>.nightshift/pipelines/</c>.</summary>
    public string? PipelineId { get; init; }

    /// <summary>
    /// The definition the run follows (a snapshot: later edits do not change a started run); null for a repository
    /// pipeline, which the coordinator reads from the repository's base branch when the run starts.
    /// </summary>
    public string? Yaml { get; init; }

    public required string Repo { get; init; }

    public string? BaseBranch { get; init; }

    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>api, cli, dashboard, schedule, forge.</summary>
    public string Trigger { get; init; } = "api";

    public string? CreatedBy { get; init; }

    /// <summary>A repeated request with the same key returns the first run instead of starting another.</summary>
    public string? IdempotencyKey { get; init; }
}

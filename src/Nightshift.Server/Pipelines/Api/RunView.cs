namespace Nightshift.Server.Pipelines.Api;

/// <summary>A pipeline run as the API shows it; <see cref="Steps"/> is null in lists.</summary>
public sealed record RunView(
    string Id,
    string Pipeline,
    string? PipelineId,
    string Repo,
    string? BaseBranch,
    string Branch,
    IReadOnlyDictionary<string, string> Inputs,
    string State,
    string Trigger,
    string? CreatedBy,
    string? Reason,
    string? PullRequest,
    bool CancelRequested,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<RunStepView>? Steps);

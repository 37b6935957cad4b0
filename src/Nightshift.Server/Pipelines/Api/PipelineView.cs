using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// A registered pipeline as the API shows it: the record, what its YAML says (description, repository, inputs, steps)
/// and, for one pipeline (not in lists), the YAML itself.
/// </summary>
public sealed record PipelineView(
    string Id,
    string Name,
    string? Description,
    string? Repo,
    string? BaseBranch,
    string PullRequest,
    string? Schedule,
    string? TimeZone,
    DateTimeOffset? NextRunAt,
    IReadOnlyList<PipelineInputView> Inputs,
    IReadOnlyList<PipelineStepView> Steps,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Yaml)
{
    public static PipelineView From(PipelineRecord record, PipelineDefinition? definition, bool withYaml) => new(
        record.Id,
        record.Name,
        definition?.Description,
        definition?.Repo,
        definition?.BaseBranch,
        Wire(definition?.PullRequest ?? PullRequestMode.End),
        record.Schedule,
        record.TimeZone,
        record.NextRunAt,
        [.. (definition?.Inputs ?? []).Select(PipelineInputView.From)],
        [.. (definition?.Steps ?? []).Select(PipelineStepView.From)],
        record.CreatedBy,
        record.CreatedAt,
        record.UpdatedAt,
        withYaml ? record.Yaml : null);

    private static string Wire(PullRequestMode mode) => mode switch
    {
        PullRequestMode.PerStep => "per_step",
        PullRequestMode.None => "none",
        _ => "end",
    };
}

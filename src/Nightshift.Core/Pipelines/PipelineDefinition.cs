namespace Nightshift.Core.Pipelines;

/// <summary>
/// A pipeline as written in YAML (<c>.nightshift/pipelines/NAME.yml</c> in a repository, or registered through
/// <c>POST /api/v1/pipelines</c>) and checked by <see cref="PipelineYaml.Parse"/>: named steps with dependencies,
/// conditions, approvals and failure policies. Only a parsed definition without problems is ever run.
/// </summary>
public sealed record PipelineDefinition
{
    public const int MaxSteps = 100;
    public const int MaxInputs = 50;

    /// <summary>Lowercase letters, digits, '-' and '_', starting with a letter; at most 64 characters.</summary>
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Values given at run time (<c>{{inputs.NAME}}</c>), in the order written.</summary>
    public IReadOnlyList<PipelineInput> Inputs { get; init; } = [];

    /// <summary>The steps in the order written; <see cref="PipelineGraph"/> orders them by their dependencies.</summary>
    public required IReadOnlyList<PipelineStep> Steps { get; init; }

    /// <summary>When the pipeline starts by itself; null: only when asked (API, CLI, dashboard).</summary>
    public PipelineSchedule? Schedule { get; init; }

    /// <summary>What the run publishes: one pull request at the end (default), one per step that changed something, or none.</summary>
    public PullRequestMode PullRequest { get; init; } = PullRequestMode.End;

    /// <summary>The repository a run uses when the caller names none (a schedule needs one).</summary>
    public string? Repo { get; init; }

    /// <summary>The branch a run starts from when the caller names none; null: the repository's default branch.</summary>
    public string? BaseBranch { get; init; }

    /// <summary>The step named <paramref name="name"/>, or null.</summary>
    public PipelineStep? Step(string name) => Steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}

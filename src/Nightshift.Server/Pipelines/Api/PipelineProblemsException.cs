using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>A pipeline's YAML has problems; the API answers 400 (or 409 for a stored one) listing them with their lines.</summary>
internal sealed class PipelineProblemsException(string title, IReadOnlyList<PipelineProblem> problems, int status = StatusCodes.Status400BadRequest)
    : Exception(title + ": " + string.Join("; ", problems.Take(5)))
{
    public string Title { get; } = title;

    public IReadOnlyList<PipelineProblem> Problems { get; } = problems;

    public int Status { get; } = status;
}

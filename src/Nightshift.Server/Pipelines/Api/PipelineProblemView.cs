using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>One problem of a pipeline's YAML as the API shows it (<c>problems: [{file, line, column, message}]</c>).</summary>
public sealed record PipelineProblemView(string File, int Line, int Column, string Message)
{
    public static PipelineProblemView From(PipelineProblem problem) => new(problem.File, problem.Line, problem.Column, problem.Message);
}

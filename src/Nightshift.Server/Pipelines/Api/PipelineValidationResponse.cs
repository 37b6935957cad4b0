namespace Nightshift.Server.Pipelines.Api;

/// <summary>The answer of <c>POST /api/v1/pipelines/validate</c>: whether the YAML is a pipeline that can run, and what is wrong with it.</summary>
public sealed record PipelineValidationResponse(bool Valid, string? Name, IReadOnlyList<PipelineProblemView> Problems);

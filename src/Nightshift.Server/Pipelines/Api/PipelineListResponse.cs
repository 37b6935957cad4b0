namespace Nightshift.Server.Pipelines.Api;

/// <summary>The organisation's registered pipelines by name (<c>GET /api/v1/pipelines</c>).</summary>
public sealed record PipelineListResponse(IReadOnlyList<PipelineView> Items);

namespace Nightshift.Server.Pipelines.Api;

/// <summary>Runs of the organisation, newest first (<c>GET /api/v1/runs</c>).</summary>
public sealed record RunListResponse(IReadOnlyList<RunView> Items);

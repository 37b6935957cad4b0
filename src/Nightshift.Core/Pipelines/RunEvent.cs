namespace Nightshift.Core.Pipelines;

/// <summary>One entry of a run's own append-only event log (<c>run.*</c>, <c>step.*</c>), numbered from 1 per run.</summary>
public sealed record RunEvent(string RunId, long Seq, string Type, string DataJson, DateTimeOffset CreatedAt);

using System.Text.Json;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>One entry of a run's event log, in the JSON array form and in each SSE <c>data:</c> line.</summary>
public sealed record RunEventView(long Seq, string Type, DateTimeOffset Time, string RunId, JsonElement Data);

using Nightshift.Core.Pipelines;

namespace Nightshift.Storage.Pipelines;

/// <summary>A coordinator's hold on a run; <see cref="Token"/> is fresh for every claim and never shown to people.</summary>
public sealed record RunLease(string RunId, string Token, string Owner, DateTimeOffset ExpiresAt, RunRecord Run);

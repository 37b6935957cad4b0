using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <summary>A worker's hold on a task. <see cref="Token"/> is fresh for every claim and is never shown to people.</summary>
public sealed record Lease(
    string TaskId,
    string Token,
    string WorkerId,
    int Attempt,
    DateTimeOffset ExpiresAt,
    TaskRecord Task,
    string? Checkpoint);

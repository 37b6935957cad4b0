namespace Nightshift.Storage.Relational;

/// <summary>
/// A claim written in the statement that picks the task: <paramref name="Changes"/> count the attempt in SQL, and the
/// <c>task.started</c> payload is <c>{"attempt":N,</c> followed by <paramref name="StartedPayloadTail"/>.
/// </summary>
internal sealed record ChainedClaim(IReadOnlyList<(string Column, object? Value)> Changes, string StartedPayloadTail);

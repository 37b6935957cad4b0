namespace Nightshift.Storage.Relational;

/// <summary>
/// A final finish written without reading the row first: it applies only while the fence holds and the task is still
/// on <paramref name="Attempt"/> (the event payload names it); otherwise nothing is written and the general path decides.
/// </summary>
internal sealed record ChainedFinish(
    string TaskId,
    string Token,
    int Attempt,
    IReadOnlyList<(string Column, object? Value)> Changes,
    string EventType,
    string Payload);

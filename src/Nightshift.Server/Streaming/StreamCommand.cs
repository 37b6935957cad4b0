namespace Nightshift.Server.Streaming;

/// <summary>
/// One client message, checked. A subscribe or unsubscribe names exactly one of: tasks (with the sequence number to
/// resume after; 0 on unsubscribe), a repository, or all.
/// </summary>
/// <param name="RequestId">the client's optional <c>id</c>, echoed in the answer.</param>
internal sealed record StreamCommand(
    StreamOp Op,
    IReadOnlyList<KeyValuePair<string, long>> Tasks,
    string? Repository,
    bool All,
    string? RequestId);

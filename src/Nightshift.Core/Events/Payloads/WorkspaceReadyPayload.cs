namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when the task's worktree is checked out and ready.</summary>
/// <param name="Branch">the branch the task's work goes on.</param>
/// <param name="BaseBranch">the branch it starts from.</param>
/// <param name="BaseCommit">the commit of the base branch it starts from.</param>
/// <param name="Resumed">true when an earlier attempt's worktree or checkpoint is picked up again.</param>
public sealed record WorkspaceReadyPayload(
    string Branch,
    string BaseBranch,
    string BaseCommit,
    bool Resumed);

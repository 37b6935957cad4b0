namespace Nightshift.Workspaces;

/// <summary>What a push sent.</summary>
/// <param name="Commit">the commit the remote branch now points at.</param>
/// <param name="MergedMovedBranch">
/// true when someone pushed to a follow-up's branch while the task worked and their commits were merged under the
/// task's change before the push: the pushed commit is then that merge, which no verification has run on.
/// </param>
public sealed record PushResult(string Commit, bool MergedMovedBranch);

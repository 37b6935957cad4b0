namespace Nightshift.Workspaces.SetupCache;

/// <summary>
/// What setup left in a worktree, relative to its root: <paramref name="Untracked"/> lists every file git does not
/// track, ignored ones included (a nested repository as one folder ending in '/'); <paramref name="ChangedTracked"/>
/// the tracked files whose content or presence changed.
/// </summary>
public sealed record SetupOutput(IReadOnlyList<string> Untracked, IReadOnlyList<string> ChangedTracked);

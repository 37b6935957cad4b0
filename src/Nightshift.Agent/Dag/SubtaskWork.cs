using Nightshift.Core.Planning;

namespace Nightshift.Agent.Dag;

/// <summary>
/// One subtask to build: the agent works in <see cref="Path"/> (its own worktree on <see cref="Branch"/>, checked out
/// at <see cref="BaseCommit"/>, the task branch's commit when its wave started). The runner commits what it leaves there.
/// </summary>
internal sealed record SubtaskWork(Subtask Subtask, string Fingerprint, string Path, string Branch, string BaseCommit);

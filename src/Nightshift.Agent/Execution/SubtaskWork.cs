using Nightshift.Core.Planning;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// One subtask to build, as a scheduler hands it to the builder and the journal: the build agent works in
/// <see cref="Workspace"/>, which is the task's own worktree or one of the subtask's own as <see cref="Isolation"/>
/// says (then on the subtask's branch, checked out at the task branch's commit when its wave started). The builder
/// only changes files; the scheduler commits what it leaves.
/// </summary>
/// <param name="Fingerprint">the subtask's plan fingerprint (<see cref="PlanFingerprints"/>).</param>
public sealed record SubtaskWork(Subtask Subtask, string Fingerprint, Workspace Workspace, SubtaskIsolation Isolation);

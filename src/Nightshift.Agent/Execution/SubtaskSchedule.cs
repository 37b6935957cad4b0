using Nightshift.Core.Planning;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>The work handed to an <see cref="ISubtaskScheduler"/>.</summary>
/// <param name="Plan">an acyclic, validated plan.</param>
/// <param name="Finished">ids of subtasks an earlier attempt finished; they are not built again.</param>
/// <param name="Workspace">the task's worktree, on the task's branch; every subtask's work must end up committed there.</param>
/// <param name="Build">builds one subtask in the workspace it is given and commits it there.</param>
public sealed record SubtaskSchedule(Plan Plan, IReadOnlySet<string> Finished, Workspace Workspace, SubtaskBuilder Build);

/// <summary>Builds <paramref name="subtask"/> in <paramref name="workspace"/> (the task's, or one a parallel scheduler made) and commits the result there.</summary>
public delegate Task<SubtaskOutcome> SubtaskBuilder(Subtask subtask, Workspace workspace, CancellationToken cancellationToken);

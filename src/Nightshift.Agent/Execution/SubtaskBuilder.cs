namespace Nightshift.Agent.Execution;

/// <summary>
/// Builds one subtask: runs the build agent in <see cref="SubtaskWork.Workspace"/> and returns
/// <see cref="SubtaskResult.Done"/> or <see cref="SubtaskResult.Stopped"/>. It leaves its changes in the files; the
/// scheduler commits them and reports to the journal. An exception stops the whole run.
/// </summary>
public delegate Task<SubtaskResult> SubtaskBuilder(SubtaskWork work, CancellationToken cancellationToken);

namespace Nightshift.Agent.Dag;

/// <summary>How a subtask ended in a DAG run.</summary>
internal enum SubtaskStatus
{
    Completed,
    Reused,
    Failed,
    Skipped,
}

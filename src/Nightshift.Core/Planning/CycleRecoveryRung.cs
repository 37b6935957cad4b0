namespace Nightshift.Core.Planning;

/// <summary>The rungs of the cycle recovery ladder, tried in this order.</summary>
public enum CycleRecoveryRung
{
    /// <summary>Drop the lowest-priority dependency of each cycle until none is left.</summary>
    DropLowestPriorityEdges = 1,

    /// <summary>Show the model the cycles and ask for an acyclic plan.</summary>
    AskModel = 2,

    /// <summary>Ignore all dependencies and run the subtasks one after another by priority.</summary>
    RunLinearly = 3,

    /// <summary>Give up, naming the cycle.</summary>
    Fail = 4,
}

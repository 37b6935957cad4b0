namespace Nightshift.Storage.Pipelines;

/// <summary>What became of a person's approval or rejection of a step.</summary>
public enum StepDecisionResult
{
    Decided,

    /// <summary>No such run (in the caller's organisation) or no such step in it.</summary>
    NotFound,

    /// <summary>The step is not waiting for approval (not yet, or it was decided already).</summary>
    NotWaiting,
}

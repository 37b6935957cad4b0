namespace Nightshift.Core.Pipelines;

/// <summary>Wire names and terminal checks of <see cref="RunState"/> and <see cref="StepState"/>.</summary>
public static class PipelineStates
{
    public static bool IsFinished(this RunState state) => state is RunState.Succeeded or RunState.NeedsReview or RunState.Failed or RunState.Cancelled;

    public static bool IsFinished(this StepState state) => state is StepState.Succeeded or StepState.Failed or StepState.Skipped or StepState.Cancelled;

    public static string ToWire(this RunState state) => state switch
    {
        RunState.Queued => "queued",
        RunState.Running => "running",
        RunState.AwaitingApproval => "awaiting_approval",
        RunState.Succeeded => "succeeded",
        RunState.NeedsReview => "needs_review",
        RunState.Failed => "failed",
        RunState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static string ToWire(this StepState state) => state switch
    {
        StepState.Pending => "pending",
        StepState.AwaitingApproval => "awaiting_approval",
        StepState.Running => "running",
        StepState.Succeeded => "succeeded",
        StepState.Failed => "failed",
        StepState.Skipped => "skipped",
        StepState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static RunState? ParseRunState(string? wire) => Enum.GetValues<RunState>().Cast<RunState?>().FirstOrDefault(s => s!.Value.ToWire() == wire);

    public static StepState? ParseStepState(string? wire) => Enum.GetValues<StepState>().Cast<StepState?>().FirstOrDefault(s => s!.Value.ToWire() == wire);
}

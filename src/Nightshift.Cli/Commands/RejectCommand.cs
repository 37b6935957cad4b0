namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift reject ID [--reason TEXT]</c>.</summary>
internal sealed class RejectCommand(CommandContextFactory contexts)
    : ReasonedActionCommand("reject", "rejected the plan of", "Reject a plan that waits for approval", "Why the plan is rejected (kept on the task)", contexts);

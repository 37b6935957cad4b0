namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift retry ID</c>.</summary>
internal sealed class RetryCommand(CommandContextFactory contexts)
    : TaskActionCommand("retry", "queued again", "Queue a failed, dead, cancelled, timed-out or needs-review task again", contexts);

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift cancel ID [--reason TEXT]</c>.</summary>
internal sealed class CancelCommand(CommandContextFactory contexts)
    : ReasonedActionCommand("cancel", "cancel requested for", "Cancel a queued or running task", "Why the task is cancelled (kept in its events)", contexts);

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift cancel ID</c>.</summary>
internal sealed class CancelCommand(CommandContextFactory contexts)
    : TaskActionCommand("cancel", "cancel requested for", "Cancel a queued or running task", contexts);

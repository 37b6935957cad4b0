namespace Nightshift.Cli.Commands;

/// <summary>What <c>run</c> and <c>demo</c> say until the agent ships: plainly that they cannot work yet.</summary>
internal static class NoAgentMessage
{
    public static int Report(CommandContext context, string command)
    {
        context.Output.Error($"error: no agent is installed yet in this build of Nightshift, so `nightshift {command}` cannot run a task.");
        context.Output.Error("nothing was started. You can still queue tasks with `nightshift up` and `nightshift submit`; they fail with the same reason until an agent is installed.");
        return ExitCodes.NotAvailable;
    }
}

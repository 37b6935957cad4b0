namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift demo</c>: a sample repository and a task on it, end to end. Needs the agent, which this build lacks.</summary>
internal sealed class DemoCommand(CommandContextFactory contexts)
    : NightshiftCommand("demo", "Run a sample task end to end on a sample repository (needs the agent)", contexts)
{
    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NoAgentMessage.Report(context, "demo"));
}

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary><c>nightshift pipeline …</c>: multi-step workflows of agent and command steps, and their runs.</summary>
internal sealed class PipelineCommand : NightshiftCommand
{
    public PipelineCommand(CommandContextFactory contexts)
        : base("pipeline", "Pipelines and their runs: validate, ls, add, rm, run, runs, show, approve, reject, cancel", contexts)
    {
        Aliases.Add("pipelines");
        Subcommands.Add(new PipelineValidateCommand(contexts));
        Subcommands.Add(new PipelineLsCommand(contexts));
        Subcommands.Add(new PipelineAddCommand(contexts));
        Subcommands.Add(new PipelineRmCommand(contexts));
        Subcommands.Add(new PipelineRunCommand(contexts));
        Subcommands.Add(new PipelineRunsCommand(contexts));
        Subcommands.Add(new PipelineShowCommand(contexts));
        Subcommands.Add(new PipelineDecideCommand("approve", approve: true, contexts));
        Subcommands.Add(new PipelineDecideCommand("reject", approve: false, contexts));
        Subcommands.Add(new PipelineCancelCommand(contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift pipeline validate|ls|add|rm|run|runs|show|approve|reject|cancel");
}

namespace Nightshift.Cli.Commands.Cache;

/// <summary><c>nightshift cache …</c>: the setup cache in the local data folder (what setup made, kept for the next task on the same lock files).</summary>
internal sealed class CacheCommand : NightshiftCommand
{
    public CacheCommand(CommandContextFactory contexts)
        : base("cache", "The setup cache in the data folder: ls, clear", contexts)
    {
        Subcommands.Add(new CacheLsCommand(contexts));
        Subcommands.Add(new CacheClearCommand(contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift cache ls|clear");
}

namespace Nightshift.Cli.Commands.Audit;

/// <summary><c>nightshift audit …</c>: who did what and when, from the server's append-only audit log.</summary>
internal sealed class AuditCommand : NightshiftCommand
{
    public AuditCommand(CommandContextFactory contexts)
        : base("audit", "The audit log: ls, export", contexts)
    {
        Subcommands.Add(new AuditLsCommand(contexts));
        Subcommands.Add(new AuditExportCommand(contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift audit ls|export");
}

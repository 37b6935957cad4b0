namespace Nightshift.Cli.Commands.Org;

/// <summary><c>nightshift org …</c>: organisations (tenants), their quotas and budgets, allowed repositories, and the kill switch.</summary>
internal sealed class OrgCommand : NightshiftCommand
{
    public OrgCommand(CommandContextFactory contexts)
        : base("org", "Organisations: create, ls, show, set (quotas, budgets, allowed repositories), kill", contexts)
    {
        Subcommands.Add(new OrgCreateCommand(contexts));
        Subcommands.Add(new OrgLsCommand(contexts));
        Subcommands.Add(new OrgShowCommand(contexts));
        Subcommands.Add(new OrgSetCommand(contexts));
        Subcommands.Add(new OrgKillCommand(contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift org create|ls|show|set|kill");
}

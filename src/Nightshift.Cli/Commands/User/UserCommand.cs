namespace Nightshift.Cli.Commands.User;

/// <summary><c>nightshift user …</c>: the people and automations of your organisation, each with a role (admin only).</summary>
internal sealed class UserCommand : NightshiftCommand
{
    public UserCommand(CommandContextFactory contexts)
        : base("user", "Users of your organisation: add, ls, set", contexts)
    {
        Subcommands.Add(new UserAddCommand(contexts));
        Subcommands.Add(new UserLsCommand(contexts));
        Subcommands.Add(new UserSetCommand(contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift user add|ls|set");
}

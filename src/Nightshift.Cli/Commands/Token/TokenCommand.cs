namespace Nightshift.Cli.Commands.Token;

/// <summary><c>nightshift token …</c>: API tokens, shown once when made, stored hashed, scoped, expiring and revocable.</summary>
internal sealed class TokenCommand : NightshiftCommand
{
    public TokenCommand(CommandContextFactory contexts)
        : base("token", "API tokens: create, ls, revoke", contexts)
    {
        Subcommands.Add(new TokenCreateCommand(contexts));
        Subcommands.Add(new TokenLsCommand(contexts));
        Subcommands.Add(new TokenRevokeCommand(contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift token create|ls|revoke");
}

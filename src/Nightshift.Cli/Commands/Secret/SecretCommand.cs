namespace Nightshift.Cli.Commands.Secret;

/// <summary><c>nightshift secret …</c>: an organisation's model keys and forge tokens, stored encrypted, never shown again.</summary>
internal sealed class SecretCommand : NightshiftCommand
{
    public SecretCommand(CommandContextFactory contexts)
        : base("secret", "Organisation secrets (model keys, forge tokens): set, ls, rm", contexts)
    {
        Aliases.Add("secrets");
        Subcommands.Add(new SecretSetCommand(contexts));
        Subcommands.Add(new SecretLsCommand(contexts));
        Subcommands.Add(new SecretRmCommand(contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift secret set|ls|rm");
}

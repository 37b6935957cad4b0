namespace Nightshift.Cli.Commands.Webhooks;

/// <summary><c>nightshift webhooks …</c>: where Nightshift tells other systems about task events, and what it sent them.</summary>
internal sealed class WebhooksCommand : NightshiftCommand
{
    public WebhooksCommand(CommandContextFactory contexts)
        : base("webhooks", "Outbound webhooks, chats and email: add, ls, rm, deliveries, redeliver, rotate, enable, disable", contexts)
    {
        Subcommands.Add(new WebhooksAddCommand(contexts));
        Subcommands.Add(new WebhooksLsCommand(contexts));
        Subcommands.Add(new WebhooksRmCommand(contexts));
        Subcommands.Add(new WebhooksDeliveriesCommand(contexts));
        Subcommands.Add(new WebhooksRedeliverCommand(contexts));
        Subcommands.Add(new WebhooksRotateCommand(contexts));
        Subcommands.Add(new WebhooksActiveCommand("enable", active: true, contexts));
        Subcommands.Add(new WebhooksActiveCommand("disable", active: false, contexts));
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        throw new UsageException("say what to do: nightshift webhooks add|ls|rm|deliveries|redeliver|rotate|enable|disable");
}

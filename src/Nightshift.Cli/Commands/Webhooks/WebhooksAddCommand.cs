using Nightshift.Core.Text;
using System.CommandLine;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands.Webhooks;

/// <summary>
/// <c>nightshift webhooks add URL [--event T]... [--repo R]... [--description D] [--slack]</c>, or
/// <c>add --email ADDR...</c>: makes an endpoint and prints its signing secret, once.
/// </summary>
internal sealed class WebhooksAddCommand : NightshiftCommand
{
    private readonly Argument<string?> url = new("url") { Description = "Where deliveries are POSTed (not for --email)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string[]> events = new("--event", "-e") { Description = "Only this event type (task.succeeded) or prefix (task.*); repeat for more; default: every event", HelpName = "TYPE", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string[]> repos = new("--repo", "-r") { Description = "Only tasks on this repository; repeat for more; default: all", HelpName = "REPO" };
    private readonly Option<string?> description = new("--description", "-d") { Description = "A note for people", HelpName = "TEXT" };
    private readonly Option<bool> slack = new("--slack") { Description = "URL is a Slack-compatible incoming webhook: send chat messages, unsigned" };
    private readonly Option<string[]> email = new("--email") { Description = "Send email to this address (instead of a URL); repeat for more", HelpName = "ADDR" };

    public WebhooksAddCommand(CommandContextFactory contexts) : base("add", "Add an endpoint; prints its signing secret once", contexts)
    {
        Arguments.Add(url);
        Options.Add(events);
        Options.Add(repos);
        Options.Add(description);
        Options.Add(slack);
        Options.Add(email);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var address = parse.GetValue(url);
        var recipients = parse.GetValue(email) ?? [];
        var isSlack = parse.GetValue(slack);
        string channel;
        if (recipients.Length > 0)
        {
            if (address is not null || isSlack)
            {
                throw new UsageException("--email sends mail to its addresses: give either a URL (with --slack for a chat) or --email, not both");
            }
            channel = "email";
        }
        else
        {
            if (string.IsNullOrWhiteSpace(address))
            {
                throw new UsageException("give the URL deliveries are POSTed to (nightshift webhooks add https://hooks.example.com/nightshift), or --email ADDR");
            }
            channel = isSlack ? "slack" : "webhook";
        }
        var answer = await context.Client.CreateEndpointAsync(
            new
            {
                channel,
                url = channel == "email" ? null : address,
                recipients = channel == "email" ? recipients : null,
                events = parse.GetValue(events) ?? [],
                repositories = parse.GetValue(repos) ?? [],
                description = parse.GetValue(description),
            },
            cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        var endpoint = WebhookJson.Property(answer, "endpoint");
        var id = SafeText.Clean(WebhookJson.Text(endpoint, "id"), 80);
        output.Info($"added {channel} endpoint {id}");
        if (WebhookJson.Property(answer, "secret") is { ValueKind: System.Text.Json.JsonValueKind.Object } secret)
        {
            output.Info("signing secret (shown this once; store it where your receiver verifies signatures):");
            output.Info(SafeText.Clean(WebhookJson.Text(secret, "value"), 200));
        }
        return ExitCodes.Ok;
    }
}

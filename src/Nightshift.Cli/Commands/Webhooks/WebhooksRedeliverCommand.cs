using Nightshift.Core.Text;
using System.CommandLine;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands.Webhooks;

/// <summary><c>nightshift webhooks redeliver ID DELIVERY</c>: sends a dead (or delivered) delivery again, with the same <c>webhook-id</c>.</summary>
internal sealed class WebhooksRedeliverCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "Endpoint id (we_…)" };
    private readonly Argument<string> delivery = new("delivery") { Description = "Delivery id (msg_…), as `nightshift webhooks deliveries ID` shows it" };

    public WebhooksRedeliverCommand(CommandContextFactory contexts) : base("redeliver", "Send a dead or delivered delivery again (same webhook-id)", contexts)
    {
        Arguments.Add(id);
        Arguments.Add(delivery);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var answer = await context.Client.RedeliverAsync(parse.GetValue(id)!, parse.GetValue(delivery)!, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
        }
        output.Info($"delivery {SafeText.Clean(WebhookJson.Text(answer, "id"), 80)} is {SafeText.Clean(WebhookJson.Text(answer, "state"), 20)} and will be sent again shortly");
        return ExitCodes.Ok;
    }
}

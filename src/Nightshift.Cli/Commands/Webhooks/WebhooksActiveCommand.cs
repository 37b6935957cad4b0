using Nightshift.Core.Text;
using System.CommandLine;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands.Webhooks;

/// <summary><c>nightshift webhooks enable|disable ID</c>: switches an endpoint on (also after a 410) or off; its deliveries wait meanwhile.</summary>
internal sealed class WebhooksActiveCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "Endpoint id (we_…)" };
    private readonly bool active;

    public WebhooksActiveCommand(string name, bool active, CommandContextFactory contexts)
        : base(name, active ? "Switch an endpoint on again (also one a receiver disabled with 410)" : "Switch an endpoint off; its deliveries wait until it is enabled", contexts)
    {
        this.active = active;
        Arguments.Add(id);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var endpointId = context.ParseResult.GetValue(id)!;
        var endpoint = await context.Client.UpdateEndpointAsync(endpointId, new { active }, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(endpoint);
        }
        output.Info($"endpoint {SafeText.Clean(endpointId, 80)} is {(active ? "enabled" : "disabled")}");
        return ExitCodes.Ok;
    }
}

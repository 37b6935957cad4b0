using Nightshift.Core.Text;
using System.CommandLine;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands.Webhooks;

/// <summary><c>nightshift webhooks rm ID</c>: removes an endpoint with its deliveries.</summary>
internal sealed class WebhooksRmCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "Endpoint id (we_…), as `nightshift webhooks ls` shows it" };

    public WebhooksRmCommand(CommandContextFactory contexts) : base("rm", "Remove an endpoint and its deliveries", contexts)
    {
        Aliases.Add("remove");
        Arguments.Add(id);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var endpointId = context.ParseResult.GetValue(id)!;
        await context.Client.DeleteEndpointAsync(endpointId, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(new { id = endpointId, removed = true });
        }
        output.Info($"removed endpoint {SafeText.Clean(endpointId, 80)} and its deliveries");
        return ExitCodes.Ok;
    }
}

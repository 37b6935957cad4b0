using Nightshift.Core.Text;
using System.Text.Json;
using Nightshift.Cli.Output;
using Spectre.Console;

namespace Nightshift.Cli.Commands.Webhooks;

/// <summary><c>nightshift webhooks ls</c>: every endpoint with its filters and state.</summary>
internal sealed class WebhooksLsCommand : NightshiftCommand
{
    public WebhooksLsCommand(CommandContextFactory contexts) : base("ls", "List endpoints", contexts)
    {
        Aliases.Add("list");
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var answer = await context.Client.ListEndpointsAsync(cancellationToken);
        var output = context.Output;
        var items = WebhookJson.Items(answer);
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        if (items.Count == 0)
        {
            output.Info("no endpoints yet; add one with `nightshift webhooks add https://hooks.example.com/nightshift`");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "ID", "CHANNEL", "ADDRESS", "EVENTS", "REPOS", "STATE", "SECRETS" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var endpoint in items)
        {
            var address = WebhookJson.Text(endpoint, "url") ?? string.Join(", ", WebhookJson.Strings(endpoint, "recipients"));
            var eventTypes = WebhookJson.Strings(endpoint, "events");
            var repositories = WebhookJson.Strings(endpoint, "repositories");
            var state = WebhookJson.Flag(endpoint, "active")
                ? "active"
                : "disabled" + (WebhookJson.Text(endpoint, "disabledReason") is { } reason ? ": " + reason : "");
            var secrets = endpoint.TryGetProperty("secrets", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Count(s => WebhookJson.Flag(s, "active"))
                : 0;
            table.AddRow(
                Markup.Escape(SafeText.Clean(WebhookJson.Text(endpoint, "id"), 70)),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(endpoint, "channel"), 10)),
                Markup.Escape(SafeText.Clean(address, 70)),
                Markup.Escape(SafeText.Clean(eventTypes.Count == 0 ? "all" : string.Join(", ", eventTypes), 50)),
                Markup.Escape(SafeText.Clean(repositories.Count == 0 ? "all" : string.Join(", ", repositories), 50)),
                Markup.Escape(SafeText.Clean(state, 100)),
                Markup.Escape(secrets.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }
}

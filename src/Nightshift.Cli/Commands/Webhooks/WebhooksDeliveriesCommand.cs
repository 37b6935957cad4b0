using Nightshift.Core.Text;
using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Output;
using Spectre.Console;

namespace Nightshift.Cli.Commands.Webhooks;

/// <summary>
/// <c>nightshift webhooks deliveries ID [--state S] [--limit N]</c>: an endpoint's deliveries, newest first; with a
/// DELIVERY id, that one with every attempt's status, error and the start of the receiver's answer.
/// </summary>
internal sealed class WebhooksDeliveriesCommand : NightshiftCommand
{
    public const int MaxLimit = 200;
    private static readonly string[] States = ["pending", "sending", "delivered", "dead"];

    private readonly Argument<string> id = new("id") { Description = "Endpoint id (we_…)" };
    private readonly Argument<string?> delivery = new("delivery") { Description = "Show this one delivery (msg_…) with every attempt", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> state = new("--state", "-s") { Description = "Only deliveries in this state: pending, sending, delivered or dead", HelpName = "STATE" };
    private readonly Option<int> limit = new("--limit", "-n") { Description = $"How many to show (1..{MaxLimit})", DefaultValueFactory = _ => 20, HelpName = "N" };

    public WebhooksDeliveriesCommand(CommandContextFactory contexts) : base("deliveries", "An endpoint's deliveries, or one delivery with every attempt", contexts)
    {
        Arguments.Add(id);
        Arguments.Add(delivery);
        Options.Add(state);
        Options.Add(limit);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var endpointId = parse.GetValue(id)!;
        if (parse.GetValue(delivery) is { } deliveryId)
        {
            return await ShowOneAsync(context, endpointId, deliveryId, cancellationToken);
        }
        var stateFilter = parse.GetValue(state)?.Trim().ToLowerInvariant();
        if (stateFilter is not null && !States.Contains(stateFilter))
        {
            throw new UsageException($"--state '{SafeText.Clean(stateFilter, 40)}' is not a delivery state; use one of: {string.Join(", ", States)}");
        }
        var wanted = parse.GetValue(limit);
        if (wanted is < 1 or > MaxLimit)
        {
            throw new UsageException($"--limit must be between 1 and {MaxLimit} (got {wanted})");
        }
        var answer = await context.Client.ListDeliveriesAsync(endpointId, stateFilter, wanted, cancellationToken);
        var items = WebhookJson.Items(answer);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        if (items.Count == 0)
        {
            output.Info(stateFilter is null ? "no deliveries to this endpoint yet" : $"no {stateFilter} deliveries");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "ID", "EVENT", "TASK", "STATE", "ATTEMPTS", "LAST STATUS", "NEXT TRY" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var item in items)
        {
            var status = WebhookJson.Number(item, "lastStatusCode");
            if (WebhookJson.Text(item, "lastError") is { } error)
            {
                status = (status == "–" ? "" : status + " ") + SafeText.Clean(error, 50);
            }
            table.AddRow(
                Markup.Escape(SafeText.Clean(WebhookJson.Text(item, "id"), 60)),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(item, "eventType"), 40)),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(item, "taskId"), 40)),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(item, "state"), 12)),
                Markup.Escape(WebhookJson.Number(item, "attempts")),
                Markup.Escape(SafeText.Clean(status, 80)),
                Markup.Escape(WebhookJson.Time(item, "nextAttemptAt")));
        }
        output.Console.Write(table);
        if (WebhookJson.Number(answer, "nextBefore") != "–")
        {
            output.Note($"showing the newest {items.Count}; more with --limit N");
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> ShowOneAsync(CommandContext context, string endpointId, string deliveryId, CancellationToken cancellationToken)
    {
        var answer = await context.Client.GetDeliveryAsync(endpointId, deliveryId, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        var item = WebhookJson.Property(answer, "delivery");
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name), new Text(value));
        Row("id", SafeText.Clean(WebhookJson.Text(item, "id"), 80));
        Row("event", SafeText.Clean(WebhookJson.Text(item, "eventType"), 80) + " #" + WebhookJson.Number(item, "seq"));
        Row("task", SafeText.Clean(WebhookJson.Text(item, "taskId"), 80));
        Row("state", SafeText.Clean(WebhookJson.Text(item, "state"), 20));
        Row("attempts", WebhookJson.Number(item, "attempts"));
        Row("created", WebhookJson.Time(item, "createdAt"));
        if (WebhookJson.Text(item, "state") == "pending")
        {
            Row("next try", WebhookJson.Time(item, "nextAttemptAt"));
        }
        output.Console.Write(grid);
        var attempts = WebhookJson.Items(answer, "attempts");
        if (attempts.Count == 0)
        {
            output.Info("no attempt yet");
        }
        foreach (var attempt in attempts)
        {
            var status = WebhookJson.Number(attempt, "statusCode");
            output.Info($"attempt {WebhookJson.Number(attempt, "number")} at {WebhookJson.Time(attempt, "startedAt")} ({WebhookJson.Number(attempt, "durationMs")} ms): "
                + $"{SafeText.Clean(WebhookJson.Text(attempt, "outcome"), 20)}, status {(status == "–" ? "none" : status)}"
                + (WebhookJson.Text(attempt, "error") is { } error ? " — " + SafeText.Clean(error, 500) : ""));
            if (WebhookJson.Text(attempt, "responseExcerpt") is { Length: > 0 } excerpt)
            {
                output.Info("  answer: " + SafeText.Clean(excerpt, 500));
            }
        }
        if (WebhookJson.Text(item, "state") == "dead")
        {
            output.Note($"send it again with: nightshift webhooks redeliver {SafeText.Clean(endpointId, 80)} {SafeText.Clean(WebhookJson.Text(item, "id"), 80)}");
        }
        return ExitCodes.Ok;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Commands.Audit;

/// <summary><c>nightshift audit ls [--action A] [--actor ID] [--target T] [--since T] [--limit N] [--json]</c>: newest first.</summary>
internal sealed class AuditLsCommand : NightshiftCommand
{
    public const int MaxLimit = 1000;

    private readonly Option<string?> action = new("--action", "-a") { Description = "Only this action (task.submit, token.revoke, …)", HelpName = "ACTION" };
    private readonly Option<string?> actor = new("--actor") { Description = "Only what this user (usr_…) did", HelpName = "ID" };
    private readonly Option<string?> target = new("--target", "-t") { Description = "Only entries about this task, token, user, …", HelpName = "ID" };
    private readonly Option<string?> since = new("--since") { Description = "From this time (2026-12-01, 2026-12-01T08:00:00Z) or span back (24h, 7d)", HelpName = "WHEN" };
    private readonly Option<string?> until = new("--until") { Description = "Up to this time", HelpName = "WHEN" };
    private readonly Option<int> limit = new("--limit", "-n") { Description = $"How many to show (1..{MaxLimit})", DefaultValueFactory = _ => 50, HelpName = "N" };

    public AuditLsCommand(CommandContextFactory contexts) : base("ls", "List audit entries, newest first", contexts)
    {
        Aliases.Add("list");
        Options.Add(action);
        Options.Add(actor);
        Options.Add(target);
        Options.Add(since);
        Options.Add(until);
        Options.Add(limit);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var wanted = parse.GetValue(limit);
        if (wanted is < 1 or > MaxLimit)
        {
            throw new UsageException($"--limit must be between 1 and {MaxLimit} (got {wanted})");
        }
        var filters = new Dictionary<string, string?>
        {
            ["action"] = parse.GetValue(action),
            ["actor"] = parse.GetValue(actor),
            ["target"] = parse.GetValue(target),
            ["since"] = AuditTimeOption.Read("--since", parse.GetValue(since), TimeProvider.System),
            ["until"] = AuditTimeOption.Read("--until", parse.GetValue(until), TimeProvider.System),
            ["limit"] = wanted.ToString(CultureInfo.InvariantCulture),
        };
        var answer = await context.Client.ListAuditAsync(filters, cancellationToken);
        var items = WebhookJson.Items(answer);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        if (items.Count == 0)
        {
            output.Info("no audit entries match");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "#", "WHEN", "WHO", "ACTION", "TARGET", "OUTCOME", "FROM" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var entry in items)
        {
            var who = SafeText.Clean(WebhookJson.Text(entry, "actorName"), 30) + " (" + SafeText.Clean(WebhookJson.Text(entry, "actorId"), 40) + ")";
            table.AddRow(
                Markup.Escape(WebhookJson.Number(entry, "number")),
                Markup.Escape(WebhookJson.Time(entry, "at")),
                Markup.Escape(who),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(entry, "action"), 40)),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(entry, "target") ?? "–", 60)),
                Markup.Escape(WebhookJson.Number(entry, "outcome")),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(entry, "address") ?? "–", 45)));
        }
        output.Console.Write(table);
        if (answer.TryGetProperty("nextBefore", out var next) && next.ValueKind == JsonValueKind.Number)
        {
            output.Note("there are older entries: raise --limit, narrow with --until, or write them all with `nightshift audit export`");
        }
        return ExitCodes.Ok;
    }
}

using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Spectre.Console;

namespace Nightshift.Cli.Commands.Org;

/// <summary><c>nightshift org ls</c>: the organisations you can see (all of them for the installation admin).</summary>
internal sealed class OrgLsCommand : NightshiftCommand
{
    public OrgLsCommand(CommandContextFactory contexts) : base("ls", "List organisations", contexts)
    {
        Aliases.Add("list");
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var answer = await context.Client.ListOrgsAsync(cancellationToken);
        var output = context.Output;
        var items = WebhookJson.Items(answer);
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "ID", "NAME", "RUNNING", "PER REPO", "PER TASK", "PER DAY", "PER MONTH", "REPOS" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var org in items)
        {
            var quotas = org.TryGetProperty("quotas", out var q) ? q : default;
            var repos = WebhookJson.Strings(org, "allowedRepos");
            table.AddRow(
                Markup.Escape(OrgText.Clean(WebhookJson.Text(org, "id"), 60)),
                Markup.Escape(OrgText.Clean(WebhookJson.Text(org, "name"), 60)),
                Markup.Escape(Short(OrgText.Limit(quotas, "maxRunning", false))),
                Markup.Escape(Short(OrgText.Limit(quotas, "maxRunningPerRepo", false))),
                Markup.Escape(Short(OrgText.Limit(quotas, "maxCostPerTaskUsd", true))),
                Markup.Escape(Short(OrgText.Limit(quotas, "maxCostPerDayUsd", true))),
                Markup.Escape(Short(OrgText.Limit(quotas, "maxCostPerMonthUsd", true))),
                Markup.Escape(repos.Count == 0 ? "any" : repos.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }

    private static string Short(string limit) => limit == "no limit" ? "–" : limit;
}

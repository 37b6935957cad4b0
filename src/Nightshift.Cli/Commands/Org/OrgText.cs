using System.Globalization;
using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Org;

/// <summary>An organisation's answer from the API, as lines for a person.</summary>
internal static class OrgText
{
    public static readonly (string Field, string Label, bool Money)[] Quotas =
    [
        ("maxRunning", "running at once", false),
        ("maxRunningPerRepo", "running per repository", false),
        ("maxCostPerTaskUsd", "cost per task", true),
        ("maxCostPerDayUsd", "cost per day (UTC)", true),
        ("maxCostPerMonthUsd", "cost per month (UTC)", true),
    ];

    public static void Write(CliOutput output, JsonElement org)
    {
        output.Info($"{Clean(WebhookJson.Text(org, "id"), 60)}  {Clean(WebhookJson.Text(org, "name"), 120)}");
        var quotas = org.TryGetProperty("quotas", out var q) ? q : default;
        foreach (var (field, label, money) in Quotas)
        {
            output.Info($"  {label + ":",-26}{Limit(quotas, field, money)}");
        }
        var repos = WebhookJson.Strings(org, "allowedRepos");
        output.Info($"  {"allowed repositories:",-26}{(repos.Count == 0 ? "any the server allows" : Clean(repos[0], 200))}");
        foreach (var repo in repos.Skip(1))
        {
            output.Info($"  {"",-26}{Clean(repo, 200)}");
        }
        output.Info($"  {"created:",-26}{WebhookJson.Time(org, "createdAt")}");
    }

    public static string Limit(JsonElement quotas, string field, bool money)
    {
        if (quotas.ValueKind != JsonValueKind.Object || !quotas.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return "no limit";
        }
        return money && value.TryGetDecimal(out var amount)
            ? "$" + amount.ToString("0.00", CultureInfo.InvariantCulture)
            : value.GetRawText();
    }

    public static string Clean(string? text, int max) => SafeText.Clean(text, max);
}

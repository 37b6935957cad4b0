using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Commands.Token;

/// <summary><c>nightshift token ls [--all]</c>: your tokens (or, with admin, the organisation's), never the tokens themselves.</summary>
internal sealed class TokenLsCommand : NightshiftCommand
{
    private readonly Option<bool> all = new("--all", "-a") { Description = "Every token of the organisation (needs admin)" };

    public TokenLsCommand(CommandContextFactory contexts) : base("ls", "List tokens", contexts)
    {
        Aliases.Add("list");
        Options.Add(all);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var everyone = context.ParseResult.GetValue(all);
        var answer = await context.Client.ListTokensAsync(everyone, cancellationToken);
        var items = WebhookJson.Items(answer);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        if (items.Count == 0)
        {
            output.Info("no tokens yet; make one with `nightshift token create NAME`");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        var columns = everyone
            ? new[] { "ID", "NAME", "HINT", "USER", "SCOPES", "STATE", "EXPIRES", "LAST USED" }
            : ["ID", "NAME", "HINT", "SCOPES", "STATE", "EXPIRES", "LAST USED"];
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var token in items)
        {
            var cells = new List<string>
            {
                SafeText.Clean(WebhookJson.Text(token, "id"), 40),
                SafeText.Clean(WebhookJson.Text(token, "name"), 40),
                SafeText.Clean(WebhookJson.Text(token, "hint"), 12) + "…",
            };
            if (everyone)
            {
                cells.Add(SafeText.Clean(WebhookJson.Text(token, "userId"), 40));
            }
            cells.Add(SafeText.Clean(string.Join(", ", WebhookJson.Strings(token, "scopes")), 80));
            cells.Add(SafeText.Clean(WebhookJson.Text(token, "state"), 10));
            cells.Add(WebhookJson.Text(token, "expiresAt") is null ? "never" : WebhookJson.Time(token, "expiresAt"));
            cells.Add(WebhookJson.Text(token, "lastUsedAt") is null ? "never" : WebhookJson.Time(token, "lastUsedAt"));
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }
}

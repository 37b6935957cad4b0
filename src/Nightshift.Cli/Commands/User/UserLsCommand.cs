using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Commands.User;

/// <summary><c>nightshift user ls</c>: every user of your organisation with role and state.</summary>
internal sealed class UserLsCommand : NightshiftCommand
{
    public UserLsCommand(CommandContextFactory contexts) : base("ls", "List users", contexts)
    {
        Aliases.Add("list");
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var answer = await context.Client.ListUsersAsync(cancellationToken);
        var items = WebhookJson.Items(answer);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        if (items.Count == 0)
        {
            output.Info("no users yet; add one with `nightshift user add NAME --role member`");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "ID", "NAME", "ROLE", "STATE", "SIGN-IN", "CREATED" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var user in items)
        {
            table.AddRow(
                Markup.Escape(SafeText.Clean(WebhookJson.Text(user, "id"), 40)),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(user, "name"), 60)),
                Markup.Escape(SafeText.Clean(WebhookJson.Text(user, "role"), 10)),
                WebhookJson.Flag(user, "disabled") ? "disabled" : "active",
                WebhookJson.Flag(user, "oidc") ? "oidc" : "token",
                Markup.Escape(WebhookJson.Time(user, "createdAt")));
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }
}

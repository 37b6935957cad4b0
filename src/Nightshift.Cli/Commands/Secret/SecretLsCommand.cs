using System.Text.Json;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Commands.Secret;

/// <summary><c>nightshift secret ls [--org ID]</c>: names and times; values are never shown.</summary>
internal sealed class SecretLsCommand : NightshiftCommand
{
    private readonly System.CommandLine.Option<string?> org = SecretOrgOption.Create();

    public SecretLsCommand(CommandContextFactory contexts) : base("ls", "List secrets by name (values are never shown)", contexts)
    {
        Aliases.Add("list");
        Options.Add(org);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var orgId = await SecretOrgOption.ResolveAsync(context, org, cancellationToken);
        var answer = await context.Client.ListSecretsAsync(orgId, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        var items = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("secrets", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [];
        if (items.Count == 0)
        {
            output.Info($"{SafeText.Clean(orgId, 60)} has no secrets; set one with `nightshift secret set model.openai.api-key < key.txt`");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "NAME", "CREATED", "UPDATED" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var item in items)
        {
            table.AddRow(
                Markup.Escape(SafeText.Clean(Text(item, "name"), 70)),
                Markup.Escape(SafeText.Clean(Text(item, "createdAt"), 40)),
                Markup.Escape(SafeText.Clean(Text(item, "updatedAt"), 40)));
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }

    private static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) ? value.ToString() : null;
}

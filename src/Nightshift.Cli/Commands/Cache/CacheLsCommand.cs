using System.CommandLine;
using System.Globalization;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Commands.Cache;

/// <summary><c>nightshift cache ls [--org ID]</c>: the setup cache's entries, most recently used first.</summary>
internal sealed class CacheLsCommand : NightshiftCommand
{
    private readonly Option<string?> org = new("--org") { Description = "Only this organisation's entries", HelpName = "ID" };

    public CacheLsCommand(CommandContextFactory contexts) : base("ls", "List the setup cache's entries (organisation, repository, key, size, files, created, last used, hits)", contexts)
    {
        Aliases.Add("list");
        Options.Add(org);
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var store = LocalSetupCache.Open(context);
        var entries = store.List(context.ParseResult.GetValue(org));
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(new { folder = store.Folder, maxBytes = store.Options.MaxBytes, entries = entries.Select(LocalSetupCache.Json) });
            return Task.FromResult(ExitCodes.Ok);
        }
        if (entries.Count == 0)
        {
            output.Info($"the setup cache in {SafeText.Clean(store.Folder, 200)} is empty; a task's setup is stored after it runs on a repository with lock files");
            return Task.FromResult(ExitCodes.Ok);
        }
        var table = new Table().Border(output.Live ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "ORG", "REPOSITORY", "KEY", "SIZE", "FILES", "CREATED", "LAST USED", "HITS" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var entry in entries)
        {
            table.AddRow(
                Markup.Escape(SafeText.Clean(entry.OrgId, 40)),
                Markup.Escape(SafeText.Clean(entry.RepoLocation, 70)),
                Markup.Escape(entry.Key[..12]),
                Markup.Escape(LocalSetupCache.Size(entry.Bytes)),
                entry.Files.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(entry.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
                Markup.Escape(entry.LastUsedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
                entry.Hits.ToString(CultureInfo.InvariantCulture));
        }
        output.Console.Write(table);
        output.Info($"{entries.Count} entries, {LocalSetupCache.Size(entries.Sum(e => e.Bytes))} of {LocalSetupCache.Size(store.Options.MaxBytes)} (Sandbox:SetupCache:MaxBytes)");
        return Task.FromResult(ExitCodes.Ok);
    }
}

using System.CommandLine;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Cache;

/// <summary>
/// <c>nightshift cache clear [--repo R] [--org ID] [--all] [--yes]</c>: deletes setup cache entries; the next task on
/// those repositories runs its setup and stores it again. Asks first on a terminal, and needs --yes anywhere else.
/// </summary>
internal sealed class CacheClearCommand : NightshiftCommand
{
    private readonly Option<string?> repo = new("--repo") { Description = "Only this repository's entries (as tasks name it, or its key from `cache ls --json`)", HelpName = "REPO" };
    private readonly Option<string?> org = new("--org") { Description = "Only this organisation's entries", HelpName = "ID" };
    private readonly Option<bool> all = new("--all") { Description = "Every entry" };
    private readonly Option<bool> yes = new("--yes", "-y") { Description = "Do not ask for confirmation" };

    public CacheClearCommand(CommandContextFactory contexts) : base("clear", "Delete setup cache entries (of a repository, an organisation, or all)", contexts)
    {
        Options.Add(repo);
        Options.Add(org);
        Options.Add(all);
        Options.Add(yes);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var repoName = parse.GetValue(repo);
        var orgId = parse.GetValue(org);
        var everything = parse.GetValue(all);
        if (everything && (repoName is not null || orgId is not null))
        {
            throw new UsageException("--all clears every entry; leave out --repo and --org, or leave out --all");
        }
        if (!everything && repoName is null && orgId is null)
        {
            throw new UsageException("say what to clear: --repo REPO, --org ID (or both), or --all");
        }
        var store = LocalSetupCache.Open(context);
        var matching = store.List(orgId).Where(e => repoName is null || e.RepoLocation.TrimEnd('/') == repoName.TrimEnd('/') || e.RepoKey == repoName).ToList();
        var output = context.Output;
        if (matching.Count == 0)
        {
            if (output.Json)
            {
                output.WriteJson(new { removed = Array.Empty<object>() });
            }
            output.Info("no setup cache entry matches; nothing was deleted");
            return ExitCodes.Ok;
        }
        if (!parse.GetValue(yes))
        {
            if (!context.Environment.InputIsTerminal)
            {
                throw new UsageException($"this deletes {matching.Count} setup cache entries; there is no terminal to ask on, so pass --yes to confirm");
            }
            context.Output.Note($"This deletes {matching.Count} setup cache entries ({LocalSetupCache.Size(matching.Sum(e => e.Bytes))}). Type yes to go on:");
            var typed = await context.Environment.In.ReadLineAsync(cancellationToken);
            if (!string.Equals(typed?.Trim(), "yes", StringComparison.OrdinalIgnoreCase))
            {
                context.Output.Note("not confirmed; nothing was deleted");
                return ExitCodes.Usage;
            }
        }
        var removed = store.Clear(orgId, repoName);
        if (output.Json)
        {
            output.WriteJson(new { removed = removed.Select(LocalSetupCache.Json) });
            return ExitCodes.Ok;
        }
        foreach (var entry in removed)
        {
            output.Info($"deleted {entry.Key[..12]} of {SafeText.Clean(entry.RepoLocation, 80)} ({SafeText.Clean(entry.OrgId, 40)}, {LocalSetupCache.Size(entry.Bytes)})");
        }
        output.Info($"{removed.Count} setup cache entries deleted");
        return ExitCodes.Ok;
    }
}

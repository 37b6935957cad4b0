using System.CommandLine;

namespace Nightshift.Cli.Commands.Org;

/// <summary>
/// <c>nightshift org set [ID] [--max-running N] [--max-running-per-repo N] [--max-cost-task USD] [--max-cost-day USD]
/// [--max-cost-month USD] [--allow-repo R]... [--clear LIMIT]... [--name N]</c>: changes what is named, keeps the rest.
/// </summary>
internal sealed class OrgSetCommand : NightshiftCommand
{
    private static readonly (string Clear, string Field)[] Limits =
    [
        ("max-running", "maxRunning"),
        ("max-running-per-repo", "maxRunningPerRepo"),
        ("max-cost-task", "maxCostPerTaskUsd"),
        ("max-cost-day", "maxCostPerDayUsd"),
        ("max-cost-month", "maxCostPerMonthUsd"),
    ];

    private readonly Argument<string?> id = OrgTarget.Argument();
    private readonly Option<string?> name = new("--name") { Description = "A new display name", HelpName = "NAME" };
    private readonly Option<int?> maxRunning = new("--max-running") { Description = "Tasks of the organisation running at once, across every worker", HelpName = "N" };
    private readonly Option<int?> maxRunningPerRepo = new("--max-running-per-repo") { Description = "Tasks of the organisation running at once on one repository", HelpName = "N" };
    private readonly Option<decimal?> maxCostTask = new("--max-cost-task") { Description = "US dollars one task may spend on models (over all its attempts)", HelpName = "USD" };
    private readonly Option<decimal?> maxCostDay = new("--max-cost-day") { Description = "US dollars the organisation may spend on models per day (from 00:00 UTC)", HelpName = "USD" };
    private readonly Option<decimal?> maxCostMonth = new("--max-cost-month") { Description = "US dollars the organisation may spend on models per month (from the 1st, 00:00 UTC)", HelpName = "USD" };
    private readonly Option<string[]> allowRepo = new("--allow-repo") { Description = "Repositories its tasks may use, replacing the list (URL or path, optionally ending in /*); repeat for more", HelpName = "REPO", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string[]> clear = new("--clear") { Description = "Remove a limit: max-running, max-running-per-repo, max-cost-task, max-cost-day, max-cost-month, or allow-repo (any repository the server allows); repeat for more", HelpName = "LIMIT", AllowMultipleArgumentsPerToken = false };

    public OrgSetCommand(CommandContextFactory contexts) : base("set", "Change an organisation's quotas, budgets, allowed repositories or name", contexts)
    {
        Arguments.Add(id);
        Options.Add(name);
        Options.Add(maxRunning);
        Options.Add(maxRunningPerRepo);
        Options.Add(maxCostTask);
        Options.Add(maxCostDay);
        Options.Add(maxCostMonth);
        Options.Add(allowRepo);
        Options.Add(clear);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var body = Body(context.ParseResult);
        var orgId = await OrgTarget.ResolveAsync(context, id, cancellationToken);
        var org = await context.Client.UpdateOrgAsync(orgId, body, cancellationToken);
        if (context.Output.Json)
        {
            context.Output.WriteJson(org);
            return ExitCodes.Ok;
        }
        context.Output.Info("changed:");
        OrgText.Write(context.Output, org);
        return ExitCodes.Ok;
    }

    /// <exception cref="UsageException">nothing to change, a limit both set and cleared, or an unknown limit to clear.</exception>
    private Dictionary<string, object?> Body(ParseResult parse)
    {
        var quotas = new Dictionary<string, object?>(StringComparer.Ordinal);
        void Set<T>(Option<T?> option, string field) where T : struct
        {
            if (parse.GetValue(option) is { } value)
            {
                quotas[field] = value;
            }
        }
        Set(maxRunning, "maxRunning");
        Set(maxRunningPerRepo, "maxRunningPerRepo");
        Set(maxCostTask, "maxCostPerTaskUsd");
        Set(maxCostDay, "maxCostPerDayUsd");
        Set(maxCostMonth, "maxCostPerMonthUsd");

        var body = new Dictionary<string, object?>(StringComparer.Ordinal);
        var repos = parse.GetValue(allowRepo) ?? [];
        if (repos.Length > 0)
        {
            body["allowedRepos"] = repos;
        }
        foreach (var limit in parse.GetValue(clear) ?? [])
        {
            var wanted = limit.Trim().TrimStart('-').ToLowerInvariant();
            if (wanted == "allow-repo")
            {
                if (repos.Length > 0)
                {
                    throw new UsageException("--allow-repo and --clear allow-repo contradict each other; give one of them");
                }
                body["allowedRepos"] = Array.Empty<string>();
                continue;
            }
            var match = Limits.FirstOrDefault(l => l.Clear == wanted);
            if (match.Field is null)
            {
                throw new UsageException($"--clear {Core.Text.SafeText.Clean(limit, 40)}: no such limit; use one of: {string.Join(", ", Limits.Select(l => l.Clear))}, allow-repo");
            }
            if (quotas.ContainsKey(match.Field))
            {
                throw new UsageException($"--{match.Clear} and --clear {match.Clear} contradict each other; give one of them");
            }
            quotas[match.Field] = null;
        }
        if (quotas.Count > 0)
        {
            body["quotas"] = quotas;
        }
        if (parse.GetValue(name) is { } newName)
        {
            body["name"] = newName;
        }
        if (body.Count == 0)
        {
            throw new UsageException("nothing to change: give --max-running, --max-running-per-repo, --max-cost-task, --max-cost-day, --max-cost-month, --allow-repo, --name or --clear LIMIT");
        }
        return body;
    }
}

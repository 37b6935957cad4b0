using Nightshift.Sandbox.Network;

namespace Nightshift.Sandbox.Internal;

/// <summary>Checks Sandbox:Network at start: every level's phases, host rules, presets and repository patterns.</summary>
internal static class NetworkCeilingsValidator
{
    public static List<string> Problems(NetworkCeilings network)
    {
        var failures = new List<string>();
        Level(failures, "Sandbox:Network", network.Setup, network.Agent, network.Verify, network.Allow, network.Presets, installation: true);
        foreach (var (orgId, level) in network.Organisations ?? [])
        {
            var name = $"Sandbox:Network:Organisations:{orgId}";
            if (level is null)
            {
                failures.Add($"{name} is empty; remove it, or set Setup, Agent, Verify, Allow or Presets");
                continue;
            }
            Level(failures, name, level.Setup, level.Agent, level.Verify, level.Allow, level.Presets, installation: false);
        }
        var repositories = network.Repositories ?? [];
        for (var i = 0; i < repositories.Count; i++)
        {
            var name = $"Sandbox:Network:Repositories:{i}";
            if (repositories[i] is not { } level)
            {
                failures.Add($"{name} is empty; remove it, or give it a Repo and what to narrow");
                continue;
            }
            if (level.WhyInvalid() is { } why)
            {
                failures.Add($"{name}:Repo '{Clip(level.Repo)}' {why}");
            }
            Level(failures, name, level.Setup, level.Agent, level.Verify, level.Allow, level.Presets, installation: false);
        }
        return failures;
    }

    private static void Level(List<string> failures, string name, NetworkPolicy? setup, NetworkPolicy? agent, NetworkPolicy? verify, string[]? allow, string[]? presets, bool installation)
    {
        var phases = new[] { ("Setup", setup), ("Agent", agent), ("Verify", verify) };
        foreach (var (phase, policy) in phases)
        {
            if (policy is { } value && !Enum.IsDefined(value))
            {
                failures.Add($"{name}:{phase} is '{value}'; use Off, Allowlist or On");
            }
        }
        if ((allow?.Length ?? 0) > NetworkCeilings.MaxRules)
        {
            failures.Add($"{name}:Allow lists {allow!.Length} rules; at most {NetworkCeilings.MaxRules} are read — use '*.suffix' rules or presets");
        }
        else
        {
            foreach (var entry in allow ?? [])
            {
                if (HostRule.TryParse(entry, out var why) is null)
                {
                    failures.Add($"{name}:Allow entry '{Clip(entry)}' {why}");
                }
            }
        }
        foreach (var preset in presets ?? [])
        {
            if (HostPresets.WhyUnknown(preset) is { } why)
            {
                failures.Add($"{name}:Presets entry {why}");
            }
        }
        if (installation && phases.Any(p => p.Item2 == NetworkPolicy.Allowlist) && (PhaseNetwork.RulesOf(allow, presets)?.Count ?? 0) == 0)
        {
            var which = string.Join(", ", phases.Where(p => p.Item2 == NetworkPolicy.Allowlist).Select(p => $"{name}:{p.Item1}"));
            failures.Add($"{which} is Allowlist, but {name}:Allow and {name}:Presets name no host, so nothing could be reached; list the hosts (or a preset such as npm), or use Off");
        }
    }

    private static string Clip(string? value) => value is null ? "" : value.Length <= 60 ? value : value[..60] + "…";
}

namespace Nightshift.Sandbox.Network;

/// <summary>
/// The network one phase of a task may have: its policy and, at <see cref="NetworkPolicy.Allowlist"/>, the hosts it
/// may reach (empty otherwise).
/// </summary>
public sealed record PhaseNetwork(NetworkPolicy Policy, IReadOnlyList<HostRule> Allow)
{
    /// <summary>No network at all.</summary>
    public static PhaseNetwork Off { get; } = new(NetworkPolicy.Off, []);

    /// <summary>The public internet through the egress proxy.</summary>
    public static PhaseNetwork On { get; } = new(NetworkPolicy.On, []);

    /// <summary>
    /// What a narrower level gets when it asks for <paramref name="policy"/> (null: this one's) with
    /// <paramref name="rules"/> (null: this one's), never more than this: the lower policy, and at Allowlist only the
    /// rules one of this level's covers (all of them where this level is On). <paramref name="refused"/> lists the rules
    /// dropped for it.
    /// </summary>
    public PhaseNetwork Narrow(NetworkPolicy? policy, IReadOnlyList<HostRule>? rules, out IReadOnlyList<HostRule> refused)
    {
        refused = [];
        var wanted = policy ?? Policy;
        var got = wanted > Policy ? Policy : wanted;
        if (got != NetworkPolicy.Allowlist)
        {
            return got == Policy ? this : new PhaseNetwork(got, []);
        }
        if (Policy == NetworkPolicy.On)
        {
            return new PhaseNetwork(got, rules ?? []);
        }
        if (rules is null)
        {
            return this;
        }
        var kept = rules.Where(r => Allow.Any(outer => outer.Covers(r))).ToList();
        refused = [.. rules.Where(r => !kept.Contains(r))];
        return new PhaseNetwork(got, kept);
    }

    /// <summary>The egress policy for this phase's commands: an <see cref="AllowlistPolicy"/> at Allowlist, else null (the sandbox's default).</summary>
    public IEgressPolicy? Egress(IReadOnlyList<EgressAllowance> allowPrivate, string phase) =>
        Policy == NetworkPolicy.Allowlist ? new AllowlistPolicy(Allow, allowPrivate, phase) : null;

    /// <summary>The rules of <paramref name="allow"/> and <paramref name="presets"/> together, or null when both are empty (nothing stated).</summary>
    public static IReadOnlyList<HostRule>? RulesOf(IEnumerable<string>? allow, IEnumerable<string>? presets)
    {
        var rules = new List<HostRule>();
        foreach (var text in allow ?? [])
        {
            if (HostRule.TryParse(text, out _) is { } rule && !rules.Contains(rule))
            {
                rules.Add(rule);
            }
        }
        foreach (var preset in presets ?? [])
        {
            foreach (var rule in HostPresets.Rules(preset) ?? [])
            {
                if (!rules.Contains(rule))
                {
                    rules.Add(rule);
                }
            }
        }
        return rules.Count == 0 && !(allow?.Any() ?? false) && !(presets?.Any() ?? false) ? null : rules;
    }
}

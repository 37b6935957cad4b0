namespace Nightshift.Core.Execution;

/// <summary>
/// How a command audit row is kept bounded whatever a command line or a proxy's decisions hold: text is cut with a
/// marker (never inside a surrogate pair) and host rows past <see cref="CommandAuditEntry.MaxHosts"/> are folded into
/// one allowed and one refused row named <see cref="OtherHosts"/>, so the counts stay whole.
/// </summary>
public static class CommandAuditBounds
{
    /// <summary>The host name of the rows that count the connections to hosts past the kept ones.</summary>
    public const string OtherHosts = "(other hosts)";

    /// <summary><paramref name="text"/> as it is when it fits in <paramref name="maxChars"/>; otherwise its head and a marker saying how much was cut.</summary>
    public static string Cut(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxChars)
        {
            return text;
        }
        var marker = $" … [{text.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} characters, cut]";
        var keep = Math.Max(0, maxChars - marker.Length);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return string.Concat(text.AsSpan(0, keep), marker);
    }

    /// <summary>
    /// At most <see cref="CommandAuditEntry.MaxHosts"/> rows: the first ones as given, the rest summed into an allowed
    /// and a refused <see cref="OtherHosts"/> row (port 0).
    /// </summary>
    public static IReadOnlyList<CommandHostDecisions> Fold(IReadOnlyList<CommandHostDecisions> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Count <= CommandAuditEntry.MaxHosts)
        {
            return hosts;
        }
        var kept = hosts.Take(CommandAuditEntry.MaxHosts - 2).ToList();
        var rest = hosts.Skip(CommandAuditEntry.MaxHosts - 2).ToList();
        var allowed = rest.Where(h => h.Allowed).Sum(h => h.Count);
        var denied = rest.Where(h => !h.Allowed).Sum(h => h.Count);
        var hostCount = rest.Select(h => (h.Host, h.Port)).Distinct().Count();
        if (allowed > 0)
        {
            kept.Add(new CommandHostDecisions(OtherHosts, 0, true, allowed, $"{hostCount} more hosts"));
        }
        if (denied > 0)
        {
            kept.Add(new CommandHostDecisions(OtherHosts, 0, false, denied, $"{hostCount} more hosts"));
        }
        return kept;
    }
}

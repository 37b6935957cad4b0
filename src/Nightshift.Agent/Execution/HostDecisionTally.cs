using Nightshift.Core.Execution;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The egress proxy's decisions for one command, counted per host, port and outcome for its audit row. Safe to add to
/// from the proxy's threads; bounded however many hosts a command tries (the rest are counted as other hosts).
/// </summary>
internal sealed class HostDecisionTally
{
    private readonly Dictionary<(string Host, int Port, bool Allowed), (int Count, string Reason)> _rows = [];
    private readonly List<(string Host, int Port, bool Allowed)> _order = [];
    private readonly HashSet<(string Host, int Port)> _otherHosts = [];
    private readonly Lock _gate = new();
    private int _otherAllowed;
    private int _otherDenied;

    public void Add(NetworkDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var key = (decision.Host, decision.Port, decision.Allowed);
        lock (_gate)
        {
            if (_rows.TryGetValue(key, out var row))
            {
                _rows[key] = (row.Count + 1, decision.Reason);
            }
            else if (_rows.Count < CommandAuditEntry.MaxHosts - 2)
            {
                _rows[key] = (1, decision.Reason);
                _order.Add(key);
            }
            else
            {
                if (_otherHosts.Count < 10_000)
                {
                    _otherHosts.Add((decision.Host, decision.Port));
                }
                if (decision.Allowed)
                {
                    _otherAllowed++;
                }
                else
                {
                    _otherDenied++;
                }
            }
        }
    }

    /// <summary>The rows in the order their hosts were first met, the other hosts last.</summary>
    public IReadOnlyList<CommandHostDecisions> Rows()
    {
        lock (_gate)
        {
            var rows = _order.Select(k => new CommandHostDecisions(k.Host, k.Port, k.Allowed, _rows[k].Count, _rows[k].Reason)).ToList();
            if (_otherAllowed > 0)
            {
                rows.Add(new CommandHostDecisions(CommandAuditBounds.OtherHosts, 0, true, _otherAllowed, $"{_otherHosts.Count} more hosts"));
            }
            if (_otherDenied > 0)
            {
                rows.Add(new CommandHostDecisions(CommandAuditBounds.OtherHosts, 0, false, _otherDenied, $"{_otherHosts.Count} more hosts"));
            }
            return rows;
        }
    }
}

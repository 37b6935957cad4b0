using System.Security.Cryptography;
using System.Text;

namespace Nightshift.Core.Planning;

/// <summary>
/// Stable fingerprints of subtasks, so a retried task can skip subtasks already done: a subtask's fingerprint
/// covers its id, title, description and its dependencies' fingerprints, so changing a step invalidates the steps
/// that build on it.
/// </summary>
public static class PlanFingerprints
{
    /// <summary>Subtask id → 32 lowercase hex characters.</summary>
    /// <exception cref="PlanCycleException">the plan has a cycle.</exception>
    public static IReadOnlyDictionary<string, string> Compute(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var nodes = PlanGraph.Nodes(plan);
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var subtask in PlanGraph.TopologicalOrder(plan))
        {
            var text = new StringBuilder("nightshift.subtask.v1\n");
            // Length prefixes keep "ab"+"c" and "a"+"bc" apart.
            foreach (var part in new[] { subtask.Id, subtask.Title ?? "", subtask.Description ?? "" })
            {
                text.Append(part.Length).Append(':').Append(part).Append('\n');
            }
            foreach (var dependency in (subtask.DependsOn ?? []).Where(nodes.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                text.Append("dep:").Append(fingerprints[dependency]).Append('\n');
            }
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
            fingerprints[subtask.Id] = Convert.ToHexStringLower(hash.AsSpan(0, 16));
        }
        return fingerprints;
    }
}

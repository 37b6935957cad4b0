namespace Nightshift.Agent.Execution;

/// <summary>
/// Counts failed verification rounds by error signature and says when one signature has come back often enough that
/// more of the same feedback will not help. Pure state; the executor keeps <see cref="History"/> in the checkpoint.
/// </summary>
public sealed class DebugModeTracker(int threshold, IEnumerable<string>? history = null)
{
    private readonly List<string> _history = [.. history ?? []];

    /// <summary>The signature keys of every failed round so far, oldest first.</summary>
    public IReadOnlyList<string> History => _history;

    public int Threshold { get; } = Math.Max(1, threshold);

    /// <summary>True once some signature was seen <see cref="Threshold"/> times.</summary>
    public bool Active => _history.GroupBy(k => k, StringComparer.Ordinal).Any(g => g.Count() >= Threshold);

    /// <summary>Records a failed round; true exactly when this round is the one that turns debug mode on.</summary>
    public bool Record(ErrorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var wasActive = Active;
        _history.Add(signature.Key);
        return !wasActive && Active;
    }

    /// <summary>How many failed rounds had <paramref name="signature"/>.</summary>
    public int Count(ErrorSignature signature) => _history.Count(k => string.Equals(k, signature?.Key, StringComparison.Ordinal));
}

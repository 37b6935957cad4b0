namespace Nightshift.Server.Dashboard;

/// <summary>One file of a unified diff, as hunks of lines.</summary>
internal sealed record DiffFile(string Path, IReadOnlyList<DiffHunk> Hunks)
{
    public int Added => Hunks.Sum(h => h.Lines.Count(l => l.Kind == '+'));

    public int Removed => Hunks.Sum(h => h.Lines.Count(l => l.Kind == '-'));
}

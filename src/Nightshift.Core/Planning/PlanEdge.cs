namespace Nightshift.Core.Planning;

/// <summary>"<see cref="From"/> depends on <see cref="To"/>": <see cref="To"/> must finish first.</summary>
public sealed record PlanEdge(string From, string To)
{
    public override string ToString() => $"{From} → {To}";
}

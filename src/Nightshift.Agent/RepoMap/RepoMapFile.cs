namespace Nightshift.Agent.RepoMap;

/// <summary>
/// One file of the map. <see cref="Imports"/> are repository paths this file imports; <see cref="ReferencedBy"/> is
/// how many files import it. Summary and symbol names come from the repository and are sanitized, not trusted.
/// </summary>
public sealed record RepoMapFile(
    string Path,
    string? Language,
    string? Summary,
    IReadOnlyList<RepoSymbol> Symbols,
    IReadOnlyList<string> Imports,
    int ReferencedBy,
    long Size,
    string ContentHash);

namespace Nightshift.Agent.RepoMap;

/// <summary>What one file's content says, independent of where it lives: cached by content hash.</summary>
internal sealed record FileFacts(
    string? Language,
    string? Summary,
    IReadOnlyList<RepoSymbol> Symbols,
    IReadOnlyList<string> Imports,
    IReadOnlyList<string> Namespaces,
    bool Binary);

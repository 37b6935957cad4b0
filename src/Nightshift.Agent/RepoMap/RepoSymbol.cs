namespace Nightshift.Agent.RepoMap;

/// <summary>A class, function, method or type declared in a file. <see cref="Scope"/> is the enclosing type, if known.</summary>
public sealed record RepoSymbol(string Name, string Kind, int Line, string? Scope = null);

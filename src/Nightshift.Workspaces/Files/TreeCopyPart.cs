namespace Nightshift.Workspaces.Files;

/// <summary>One part of a <see cref="TreeCopy"/>: <paramref name="Paths"/> (relative to <paramref name="SourceRoot"/>) copied to the same places under <paramref name="DestinationRoot"/>.</summary>
public sealed record TreeCopyPart(string SourceRoot, IEnumerable<string> Paths, string DestinationRoot);

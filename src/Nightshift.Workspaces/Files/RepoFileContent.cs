namespace Nightshift.Workspaces.Files;

/// <summary>What was read of a regular file.</summary>
/// <param name="Bytes">at most the bound the caller gave.</param>
/// <param name="FileSize">the file's size when it was opened.</param>
/// <param name="Truncated">the file holds more than <paramref name="Bytes"/>: it was cut at the bound.</param>
public sealed record RepoFileContent(byte[] Bytes, long FileSize, bool Truncated);

namespace Nightshift.Workspaces.Files;

/// <summary>What a <see cref="TreeCopy"/> copied: bytes of file content and the files and links made.</summary>
public sealed record TreeCopyResult(long Bytes, int Files);

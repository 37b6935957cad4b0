namespace Nightshift.Agent.RepoMap;

/// <summary>
/// What a build did: files listed, read from disk, parsed (symbols extracted), skipped (binary, huge, over the cap),
/// whether ctags ran, whether the whole map came from the per-commit cache.
/// </summary>
public sealed record RepoMapStats(
    int FilesListed,
    int FilesRead,
    int FilesParsed,
    int FilesSkipped,
    bool UsedCtags,
    bool FromCommitCache,
    TimeSpan Elapsed);

namespace Nightshift.Workspaces;

/// <summary>A commit's author and committer identity.</summary>
public sealed record CommitAuthor(string Name, string Email);

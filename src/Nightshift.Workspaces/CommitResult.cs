namespace Nightshift.Workspaces;

/// <summary>A commit made on the task's branch, and the paths it changed relative to <see cref="Parent"/>.</summary>
public sealed record CommitResult(string Commit, string Parent, string Branch, IReadOnlyList<string> ChangedPaths);

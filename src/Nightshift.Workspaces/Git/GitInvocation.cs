namespace Nightshift.Workspaces.Git;

/// <summary>
/// One git command. <see cref="GitDir"/> is always ours (a mirror), so git never discovers a repository from a
/// worktree whose <c>.git</c> the agent may have rewritten.
/// </summary>
internal sealed record GitInvocation(IReadOnlyList<string> Arguments)
{
    public string? GitDir { get; init; }

    public string? WorkTree { get; init; }

    public string? IndexFile { get; init; }

    public string? WorkingDirectory { get; init; }

    public string? StandardInput { get; init; }

    /// <summary>Local repositories are fetched over git's file transport, which stays refused for everything else.</summary>
    public bool AllowFileProtocol { get; init; }

    public bool AllowHttpProtocol { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Values scrubbed from anything the runner returns or throws.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

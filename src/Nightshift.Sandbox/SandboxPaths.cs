namespace Nightshift.Sandbox;

/// <summary>Fixed paths inside the jail, so commands and prompts can name them.</summary>
public static class SandboxPaths
{
    /// <summary>Where the worktree is mounted read-write.</summary>
    public const string Workspace = "/workspace";

    /// <summary>Where the per-repository cache folder is mounted read-write.</summary>
    public const string Cache = "/cache";

    /// <summary>The jail's HOME: a private tmpfs, gone after each command.</summary>
    public const string Home = "/home/sandbox";
}

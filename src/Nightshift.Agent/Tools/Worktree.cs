using Nightshift.Sandbox;

namespace Nightshift.Agent.Tools;

/// <summary>
/// Resolves paths the model gives to host paths inside the task's worktree. Absolute paths, <c>..</c>, the
/// <c>.git</c> entry and symlinks whose target lies outside are refused, whatever the path looks like.
/// </summary>
public sealed class Worktree
{
    public Worktree(string root)
    {
        Root = RealPaths.Resolve(Path.GetFullPath(root));
        if (!Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"worktree '{root}' does not exist");
        }
    }

    public string Root { get; }

    /// <summary>Host path for <paramref name="relativePath"/>; the file need not exist yet.</summary>
    /// <exception cref="ToolException">the path is outside the worktree or not allowed.</exception>
    public string Resolve(string relativePath)
    {
        var path = (relativePath ?? "").Trim();
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ToolException("paths must not contain NUL characters");
        }
        if (path.StartsWith('/') || path.StartsWith('~') || (path.Length > 1 && path[1] == ':'))
        {
            throw new ToolException($"'{Clip(path)}' is an absolute path; give a path relative to the repository root, like src/app.js");
        }

        var current = Root;
        var components = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < components.Length; i++)
        {
            var component = components[i];
            if (component == ".")
            {
                continue;
            }
            if (component == "..")
            {
                throw new ToolException($"'{Clip(path)}' leaves the repository ('..' is not allowed); give a path inside it");
            }
            if (component == ".git")
            {
                throw new ToolException("the .git folder is off limits; use git_diff to see your change");
            }

            var next = Path.Combine(current, component);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                // As the kernel will: every link on the way followed before a later '..' is applied.
                string target;
                try
                {
                    target = RealPaths.Resolve(next);
                }
                catch (IOException)
                {
                    throw new ToolException($"'{Clip(path)}' is a loop of symbolic links; it cannot be used");
                }
                if (!IsInside(target))
                {
                    throw new ToolException($"'{Clip(path)}' is a symbolic link that leads outside the repository; it cannot be used");
                }
                next = target;
            }
            current = next;
        }
        return current;
    }

    /// <summary>The path relative to the root with forward slashes, for showing to the model.</summary>
    public string Relative(string hostPath) => Path.GetRelativePath(Root, hostPath).Replace('\\', '/');

    private bool IsInside(string fullPath) =>
        fullPath == Root || fullPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Clip(string value) => value.Length <= 120 ? value : value[..120] + "…";
}

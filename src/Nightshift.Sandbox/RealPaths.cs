namespace Nightshift.Sandbox;

/// <summary>
/// realpath(3) for paths that need not exist: every symbolic link on the way is followed before a later <c>..</c>
/// is applied, so a link cannot make a path look as if it were under a folder it is not under. The one shared
/// implementation for checks that decide what a jail or a repository policy may reach.
/// </summary>
public static class RealPaths
{
    private const int MaxLinkHops = 40;

    /// <summary>
    /// The absolute, link-free form of <paramref name="path"/> (relative paths start at the current folder).
    /// Throws <see cref="IOException"/> after 40 links, as the kernel does.
    /// </summary>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var absolute = path.StartsWith('/') ? path : Path.Join(Environment.CurrentDirectory, path);
        var pending = new Stack<string>(Split(absolute).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            var candidate = "/" + string.Join('/', resolved.Append(segment));
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(segment);
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                throw new IOException($"too many symbolic links while resolving '{path}'");
            }
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }
            foreach (var part in Split(target).Reverse())
            {
                pending.Push(part);
            }
        }
        return "/" + string.Join('/', resolved);
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}

namespace Nightshift.Workspaces.Repositories;

/// <summary>Resolves symbolic links in every component, so a link inside an allowed root cannot lead outside it.</summary>
internal static class LocalPaths
{
    private const int MaxLinkHops = 40;

    public static string RealPath(string absolutePath)
    {
        var pending = new Stack<string>(Split(absolutePath).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment is "" or ".")
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
                throw new IOException($"too many symbolic links while resolving '{absolutePath}'");
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

    public static bool IsUnder(string path, string root) =>
        root == "/" || path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}

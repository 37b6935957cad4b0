using Nightshift.Sandbox;

namespace Nightshift.Workspaces.Repositories;

/// <summary>Local repository paths with symbolic links resolved in every component, so a link inside an allowed root cannot lead outside it.</summary>
internal static class LocalPaths
{
    public static string RealPath(string absolutePath) => RealPaths.Resolve(absolutePath);

    public static bool IsUnder(string path, string root) =>
        root == "/" || path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
}

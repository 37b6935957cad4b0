using System.CommandLine;

namespace Nightshift.Cli.Commands;

/// <summary>
/// <c>--allow-repo PATH</c> (repeatable) on <c>up</c> and <c>worker</c>: folders added to Repositories:AllowedRoots for
/// this process, so a local repository can be used without editing appsettings.json.
/// </summary>
internal static class AllowRepoOption
{
    public const string Name = "--allow-repo";

    public static Option<string[]> Create() => new(Name)
    {
        Description = "Allow tasks on local repositories in this folder (repeatable); added to Repositories:AllowedRoots for this process",
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The folders as absolute paths.</summary>
    /// <exception cref="UsageException">a value is empty, not a folder, or does not exist.</exception>
    public static IReadOnlyList<string> Resolve(string[]? values)
    {
        var folders = new List<string>();
        foreach (var value in values ?? [])
        {
            if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl))
            {
                throw new UsageException($"{Name} needs a folder: give the path of a folder holding your repositories, for example {Name} ~/src");
            }
            string full;
            try
            {
                full = Path.GetFullPath(value);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new UsageException($"{Name} '{Clip(value)}' is not a usable path ({e.Message}); give the path of a folder");
            }
            if (File.Exists(full))
            {
                throw new UsageException($"{Name} '{Clip(value)}' is a file; give the folder that holds the repository (or the repository's own folder)");
            }
            if (!Directory.Exists(full))
            {
                throw new UsageException($"{Name} '{Clip(value)}' does not exist; give an existing folder (resolved to {Clip(full)})");
            }
            var folder = full.Length > 1 ? full.TrimEnd('/') : full;
            if (!folders.Contains(folder, StringComparer.Ordinal))
            {
                folders.Add(folder);
            }
        }
        return folders;
    }

    private static string Clip(string value) => value.Length > 300 ? value[..300] + "…" : value;
}

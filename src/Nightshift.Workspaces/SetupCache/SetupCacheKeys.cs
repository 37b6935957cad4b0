using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nightshift.Workspaces.Files;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.SetupCache;

/// <summary>
/// The setup cache's key: SHA-256 over a format version, the organisation, the repository's mirror key, the setup
/// commands, each lock file or manifest (its path and content hash) and the sandbox image. Lock files are the ones the
/// repository names in <c>.nightshift.yml</c>'s <c>cache:</c>, or else the well-known ones found at its root; they are
/// read through <see cref="RepoFiles"/>, so a link, FIFO, folder or oversized file is never read and the setup runs
/// uncached with that reason.
/// </summary>
public static class SetupCacheKeys
{
    /// <summary>Raised when what an entry holds or how the key is made changes, so older entries are never restored.</summary>
    public const string FormatVersion = "nightshift-setup-cache/1";

    /// <summary>A lock file larger than this is not hashed (lock files of the largest monorepos stay far below).</summary>
    public const long MaxLockFileBytes = 32L * 1024 * 1024;

    /// <summary>The well-known lock files and manifests looked for at the root when the repository names none.</summary>
    public static IReadOnlyList<string> WellKnown { get; } =
    [
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
        "requirements*.txt", "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock",
        "go.sum", "Cargo.lock", "Gemfile.lock", "composer.lock", "mix.lock",
        "packages.lock.json", "Directory.Packages.props", "*.csproj", "*.fsproj", "*.vbproj",
    ];

    /// <summary>
    /// The key for <paramref name="setup"/> in <paramref name="worktree"/>, or the reason it is not cached.
    /// <paramref name="declared"/> is the <c>cache:</c> list (null: look for the well-known files).
    /// </summary>
    public static async Task<SetupCacheKeyResult> ComputeAsync(
        string worktree, IReadOnlyList<string>? declared, string orgId, RepositoryRef repository, IReadOnlyList<string> setup, string sandboxImage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(setup);
        if (!SetupCacheStore.IsSafeName(orgId))
        {
            return SetupCacheKeyResult.Uncached($"the organisation id '{Clip(orgId)}' cannot name a cache folder");
        }
        if (!SetupCacheStore.IsSafeName(repository.Key))
        {
            return SetupCacheKeyResult.Uncached($"the repository key '{Clip(repository.Key)}' cannot name a cache folder");
        }
        IReadOnlyList<string> files;
        if (declared is null)
        {
            files = FindWellKnown(worktree, cancellationToken);
            if (files.Count == 0)
            {
                return SetupCacheKeyResult.Uncached(
                    "no lock file was found at the repository's root (package-lock.json, yarn.lock, requirements*.txt, go.sum, Cargo.lock, *.csproj…); name the files that decide what setup installs in .nightshift.yml's cache: list");
            }
        }
        else if (declared.Count == 0)
        {
            return SetupCacheKeyResult.Uncached(".nightshift.yml's cache: list is empty, so setup is not cached");
        }
        else
        {
            files = declared;
        }

        var text = new StringBuilder();
        void Field(string name, string value) =>
            text.Append(name).Append(' ').Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
        Field("format", FormatVersion);
        Field("org", orgId);
        Field("repo", repository.Key);
        foreach (var command in setup)
        {
            Field("setup", command);
        }
        foreach (var file in files)
        {
            if (TreeCopy.PlainParts(file) is null)
            {
                return SetupCacheKeyResult.Uncached($"the cache: entry '{Clip(file)}' is not a plain path inside the repository");
            }
            RepoFileContent content;
            try
            {
                content = await RepoFiles.ReadAsync(worktree, file, MaxLockFileBytes, cancellationToken);
            }
            catch (RepoFileException e)
            {
                return SetupCacheKeyResult.Uncached($"the lock file {e.Message}; setup runs uncached");
            }
            if (content.Truncated)
            {
                return SetupCacheKeyResult.Uncached($"the lock file '{Clip(file)}' is {content.FileSize} bytes, more than the {MaxLockFileBytes} hashed; setup runs uncached");
            }
            Field("file", file);
            Field("sha256", Convert.ToHexStringLower(SHA256.HashData(content.Bytes)));
        }
        Field("image", sandboxImage);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return new SetupCacheKeyResult(new SetupCacheKey(orgId, repository.Key, repository.Location, hash), null, files);
    }

    private static List<string> FindWellKnown(string worktree, CancellationToken cancellationToken)
    {
        var listing = RepoTree.Walk(worktree, "", new RepoWalkOptions { MaxDepth = 0, MaxEntries = 10_000, MaxTime = TimeSpan.FromSeconds(5) }, cancellationToken);
        return [.. listing.Entries
            .Where(e => e.Info.IsRegular && WellKnown.Any(pattern => Matches(pattern, e.Name)))
            .Select(e => e.Path)
            .Order(StringComparer.Ordinal)];
    }

    private static bool Matches(string pattern, string name)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        return star < 0
            ? string.Equals(pattern, name, StringComparison.Ordinal)
            : name.Length >= pattern.Length - 1 && name.StartsWith(pattern[..star], StringComparison.Ordinal) && name.EndsWith(pattern[(star + 1)..], StringComparison.Ordinal);
    }

    private static string Clip(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Workspaces.Git;
using Nightshift.Workspaces.Internal;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces;

public sealed partial class TaskWorkspaces : IRepositoryFiles
{
    /// <summary>The longest path <see cref="ReadTextAsync"/> accepts.</summary>
    public const int MaxRepositoryPathLength = 1024;

    /// <summary>
    /// Fetches the repository into its mirror, then reads the blob at <paramref name="path"/> of the branch's head from
    /// git's objects (<c>ls-tree</c> for its mode, <c>cat-file</c> for its size and content): no worktree, no checkout,
    /// nothing of the repository runs. Links, folders and submodules are refused, not followed.
    /// </summary>
    public async Task<string?> ReadTextAsync(string repository, string? branch, string path, int maxBytes, PushCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (PathProblem(path) is { } pathProblem)
        {
            throw new WorkspaceException($"cannot read '{RepositoryPolicy.Shown(path ?? "")}' from '{RepositoryPolicy.Shown(repository)}': the path {pathProblem}; give a relative path inside the repository such as .nightshift/pipelines/NAME.yml");
        }
        if (branch is not null && Names.BranchProblem(branch) is { } branchProblem)
        {
            throw new ValidationException("branch", $"'{RepositoryPolicy.Shown(branch)}' is not a valid branch name: it {branchProblem}");
        }
        var resolved = _context.Policy.Resolve(repository);
        Layout.EnsureCreated();
        var secrets = CredentialSetup.From(credentials);
        string mirror;
        string commit;
        await using (await RepositoryLocks.AcquireAsync(Layout.MirrorLock(resolved.Key), Time, cancellationToken))
        {
            mirror = await EnsureMirrorAsync(resolved, secrets, cancellationToken);
            var name = branch ?? await RemoteHeadBranchAsync(resolved, mirror, secrets, cancellationToken);
            commit = await ResolveBaseAsync(resolved, mirror, name, cancellationToken);
            TouchMirror(resolved.Key);
        }
        var shown = RepositoryPolicy.Shown(path);
        var listing = await Git.RunAsync(new GitInvocation(["ls-tree", "-z", "--full-tree", commit, "--", path]) { GitDir = mirror }, cancellationToken);
        if (!listing.Succeeded)
        {
            throw new WorkspaceException($"listing '{shown}' in '{resolved}' failed: {listing.Explanation()}");
        }
        // "<mode> <type> <object>\t<path>", NUL-terminated; only the exact path counts (ls-tree also matches prefixes).
        var entry = listing.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', 2))
            .FirstOrDefault(parts => parts.Length == 2 && string.Equals(parts[1], path, StringComparison.Ordinal));
        if (entry is null)
        {
            return null;
        }
        var fields = entry[0].Split(' ');
        if (fields.Length != 3)
        {
            throw new WorkspaceException($"git described '{shown}' in '{resolved}' in a way Nightshift does not understand ({RepositoryPolicy.Shown(entry[0])})");
        }
        var (mode, type, objectId) = (fields[0], fields[1], fields[2]);
        var refusal = (mode, type) switch
        {
            ("120000", _) => "is a symbolic link; commit the file itself there",
            ("160000", _) or (_, "commit") => "is a submodule; commit the file itself in this repository",
            (_, "tree") => "is a folder, not a file",
            (_, "blob") => null,
            _ => $"is a git object of type {RepositoryPolicy.Shown(type)}, not a file",
        };
        if (refusal is not null)
        {
            throw new WorkspaceException($"'{shown}' on {branch ?? "the default branch"} of '{resolved}' {refusal}");
        }
        var size = await Git.RunCheckedAsync(new GitInvocation(["cat-file", "-s", objectId]) { GitDir = mirror }, $"reading the size of '{shown}'", cancellationToken);
        if (!long.TryParse(size.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes > maxBytes)
        {
            throw new WorkspaceException($"'{shown}' on {branch ?? "the default branch"} of '{resolved}' is {size.Stdout.Trim()} bytes, more than the {maxBytes} bytes allowed; make it smaller");
        }
        var content = await Git.RunCheckedAsync(new GitInvocation(["cat-file", "blob", objectId]) { GitDir = mirror }, $"reading '{shown}'", cancellationToken);
        return content.Stdout;
    }

    /// <summary>Why <paramref name="path"/> cannot name a file inside a repository, or null when it can.</summary>
    internal static string? PathProblem(string? path) => path switch
    {
        null or "" => "is empty",
        { Length: > MaxRepositoryPathLength } => $"is longer than {MaxRepositoryPathLength} characters",
        _ when path.Any(char.IsControl) => "contains control characters",
        _ when path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal) => "is absolute or uses '\\' or ':'",
        _ when path.Split('/').Any(part => part is "" or "." or ".." || part.Equals(".git", StringComparison.OrdinalIgnoreCase)) => "has an empty, '.', '..' or '.git' segment",
        _ => null,
    };
}

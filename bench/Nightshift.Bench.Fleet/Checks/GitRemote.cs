using System.Diagnostics;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// Reads a bare remote with the git CLI: its branches and a branch's files. Runs no repository-controlled code (no
/// hooks, no system or global configuration).
/// </summary>
public sealed class GitRemote(string path)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public string Path { get; } = path;

    /// <summary>Every branch of the remote (short names, e.g. <c>nightshift/1a2b3c4d-write</c>).</summary>
    public async Task<IReadOnlyList<string>> BranchesAsync(CancellationToken cancellationToken)
    {
        var (code, output, error) = await RunAsync(null, cancellationToken, "--git-dir", Path, "for-each-ref", "--format=%(refname:short)", "refs/heads");
        return code == 0
            ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : throw new InvalidOperationException($"could not list the branches of the remote {Path}: {error.Trim()}");
    }

    /// <summary>The content of a file on a branch, or null when the branch has no such file.</summary>
    public async Task<string?> ReadAsync(string branch, string file, CancellationToken cancellationToken)
    {
        var (code, output, _) = await RunAsync(null, cancellationToken, "--git-dir", Path, "show", $"refs/heads/{branch}:{file}");
        return code == 0 ? output : null;
    }

    /// <summary>Checks out a branch of the remote into a new folder under <paramref name="parent"/>; returns the folder.</summary>
    public async Task<string> CheckoutAsync(string branch, string parent, CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.Combine(parent, Guid.NewGuid().ToString("N")[..12]);
        var (code, _, error) = await RunAsync(null, cancellationToken, "clone", "--quiet", "--no-tags", "--branch", branch, Path, folder);
        return code == 0 ? folder : throw new InvalidOperationException($"could not check out {branch} of {Path}: {error.Trim()}");
    }

    /// <summary>Runs git with the hooks off and no configuration but the repository's own; returns exit code, output and error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string? workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("core.hooksPath=/dev/null");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        return await ShellCommand.RunAsync(start, Limit, cancellationToken);
    }
}

/// <summary>Runs a process to its end with a time limit, reading its output and error.</summary>
public static class ShellCommand
{
    /// <summary>Runs <c>sh -c <paramref name="command"/></c> in <paramref name="folder"/>.</summary>
    public static Task<(int ExitCode, string Output, string Error)> ShAsync(string command, string folder, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        return RunAsync(start, limit, cancellationToken);
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo start, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return (-1, await output, $"{start.FileName} did not finish within {limit.TotalSeconds:0} s");
        }
        return (process.ExitCode, await output, await error);
    }
}

using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Nightshift.Workspaces.Git;

/// <summary>
/// Runs git on the host with a configuration that is entirely ours: no system or global config, an empty HOME,
/// no hooks, no fsmonitor, no credential helpers, our ssh and askpass, only the transports we allow. Arguments go
/// through <see cref="ProcessStartInfo.ArgumentList"/>, never a shell.
/// </summary>
internal sealed partial class GitRunner(string gitExecutable, GitHome home, TimeSpan timeout, ILogger logger)
{
    private const int MaxStdoutChars = 64 * 1024 * 1024;
    private const int MaxStderrChars = 64 * 1024;

    public GitHome Home { get; } = home;

    public async Task<GitResult> RunAsync(GitInvocation invocation, CancellationToken cancellationToken = default)
    {
        Home.EnsureReady();
        var start = new ProcessStartInfo(gitExecutable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = invocation.WorkingDirectory ?? Home.Home,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in invocation.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        PrepareEnvironment(start.Environment, invocation);

        using var process = new Process { StartInfo = start };
        LogRunning(logger, string.Join(' ', invocation.Arguments));
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new WorkspaceException($"cannot start git ('{gitExecutable}'): {e.Message}; install git or set Workspaces:GitExecutable", e);
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var stdoutTask = ReadCappedAsync(process.StandardOutput, MaxStdoutChars);
        var stderrTask = ReadCappedAsync(process.StandardError, MaxStderrChars);
        try
        {
            try
            {
                if (invocation.StandardInput is not null)
                {
                    await process.StandardInput.WriteAsync(invocation.StandardInput.AsMemory(), timeoutSource.Token);
                }
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // git closed its stdin early; its exit code below says what happened.
            }
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            // Waited for, so no git is left writing into a folder the caller deletes next (a spare being checked out
            // when the host stops, say).
            await WaitForKilledAsync(process);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new WorkspaceException($"git {invocation.Arguments.FirstOrDefault()} did not finish within {timeout.TotalSeconds:0}s and was stopped; raise Workspaces:GitTimeout for very large repositories");
        }
        var stdout = await stdoutTask;
        var stderr = Scrub(await stderrTask, invocation.Secrets);
        return new GitResult(process.ExitCode, Scrub(stdout, invocation.Secrets), stderr);
    }

    /// <summary>Runs and throws a <see cref="WorkspaceException"/> starting with <paramref name="what"/> when git fails.</summary>
    public async Task<GitResult> RunCheckedAsync(GitInvocation invocation, string what, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(invocation, cancellationToken);
        if (!result.Succeeded)
        {
            throw new WorkspaceException($"{what} failed: {result.Explanation()}");
        }
        return result;
    }

    private void PrepareEnvironment(IDictionary<string, string?> environment, GitInvocation invocation)
    {
        // Inherited GIT_* variables (GIT_DIR, GIT_SSH_COMMAND, GIT_EXTERNAL_DIFF, GIT_CONFIG_*, GIT_ASKPASS, …) could
        // redirect or run anything; start from none of them.
        foreach (var key in environment.Keys.ToList())
        {
            if (key.StartsWith("GIT_", StringComparison.Ordinal) || key is "SSH_ASKPASS" or "SSH_ASKPASS_REQUIRE" or "EDITOR" or "VISUAL" or "PAGER" or "LESS"
                || key.StartsWith("NIGHTSHIFT_GIT_", StringComparison.Ordinal) || key.StartsWith("NIGHTSHIFT_SSH_", StringComparison.Ordinal)
                || key.StartsWith("XDG_", StringComparison.Ordinal) || key.StartsWith("LC_", StringComparison.Ordinal) || key is "LANG" or "LANGUAGE")
            {
                environment.Remove(key);
            }
        }
        environment["HOME"] = Home.Home;
        environment["XDG_CONFIG_HOME"] = Home.Home;
        environment["LC_ALL"] = "C";
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        environment["GIT_ATTR_NOSYSTEM"] = "1";
        environment["GIT_TERMINAL_PROMPT"] = "0";
        environment["GIT_ASKPASS"] = Home.AskPass;
        environment["GIT_NO_REPLACE_OBJECTS"] = "1";
        environment["GIT_PROTOCOL_FROM_USER"] = "0";
        environment["GIT_EDITOR"] = "false";
        environment["GIT_PAGER"] = "cat";
        environment["NIGHTSHIFT_SSH_KNOWN_HOSTS"] = Home.KnownHosts;
        if (invocation.GitDir is not null)
        {
            environment["GIT_DIR"] = invocation.GitDir;
        }
        if (invocation.WorkTree is not null)
        {
            environment["GIT_WORK_TREE"] = invocation.WorkTree;
        }
        if (invocation.IndexFile is not null)
        {
            environment["GIT_INDEX_FILE"] = invocation.IndexFile;
        }

        // Passed through the environment rather than -c so they also reach the git processes git itself starts
        // (worktree add's checkout), and never show up in argv.
        var config = SafeConfiguration(invocation);
        environment["GIT_CONFIG_COUNT"] = config.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < config.Count; i++)
        {
            environment[$"GIT_CONFIG_KEY_{i}"] = config[i].Key;
            environment[$"GIT_CONFIG_VALUE_{i}"] = config[i].Value;
        }
        foreach (var (key, value) in invocation.Environment)
        {
            environment[key] = value;
        }
    }

    private List<KeyValuePair<string, string>> SafeConfiguration(GitInvocation invocation) =>
    [
        new("core.hooksPath", "/dev/null"),
        new("core.fsmonitor", "false"),
        new("core.untrackedCache", "false"),
        new("core.attributesFile", "/dev/null"),
        new("core.excludesFile", "/dev/null"),
        new("core.askPass", Home.AskPass),
        new("core.sshCommand", ShellQuote(Home.Ssh)),
        new("ssh.variant", "ssh"),
        new("credential.helper", ""),
        new("protocol.allow", "never"),
        new("protocol.https.allow", "always"),
        new("protocol.ssh.allow", "always"),
        new("protocol.file.allow", invocation.AllowFileProtocol ? "always" : "never"),
        new("protocol.http.allow", invocation.AllowHttpProtocol ? "always" : "never"),
        // A host on the allow-list could otherwise redirect git to any address (a private network, a metadata
        // endpoint); the policy checked the URL given, not where a redirect leads, so no redirect is followed.
        new("http.followRedirects", "false"),
        new("submodule.recurse", "false"),
        new("fetch.recurseSubmodules", "false"),
        new("push.recurseSubmodules", "no"),
        new("diff.submodule", "short"),
        new("gc.auto", "0"),
        new("maintenance.auto", "false"),
        new("fetch.writeCommitGraph", "false"),
        new("init.defaultBranch", "main"),
        new("advice.detachedHead", "false"),
        new("commit.gpgSign", "false"),
        new("tag.gpgSign", "false"),
        new("push.gpgSign", "false"),
    ];

    /// <summary>git runs core.sshCommand through a shell; our own path is the only thing put there, quoted.</summary>
    internal static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Scrub(string text, IReadOnlyList<string> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return text;
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, int cap)
    {
        var builder = new StringBuilder();
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory())) > 0)
        {
            // Keep draining past the cap so git never blocks on a full pipe.
            var room = cap - builder.Length;
            if (room > 0)
            {
                builder.Append(buffer, 0, Math.Min(read, room));
            }
        }
        return builder.ToString();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task WaitForKilledAsync(Process process)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            // A process that ignores SIGKILL this long is stuck in the kernel; nothing more can be done from here.
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "git {Arguments}")]
    private static partial void LogRunning(ILogger logger, string arguments);
}

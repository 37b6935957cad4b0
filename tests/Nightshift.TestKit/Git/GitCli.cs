using System.Diagnostics;

namespace Nightshift.TestKit.Git;

/// <summary>Runs git for test set-up with the user's and system's git config shut out, so results do not depend on the machine.</summary>
public static class GitCli
{
    public static string Run(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, null, arguments);

    public static string Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var result = TryRun(workingDirectory, environment, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Stderr}");
        }
        return result.Stdout;
    }

    public static (int ExitCode, string Stdout, string Stderr) TryRun(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_AUTHOR_NAME"] = "Test Author";
        start.Environment["GIT_AUTHOR_EMAIL"] = "author@example.com";
        start.Environment["GIT_COMMITTER_NAME"] = "Test Author";
        start.Environment["GIT_COMMITTER_EMAIL"] = "author@example.com";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TestDefaults.Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"git {string.Join(' ', arguments)} did not finish within {TestDefaults.Timeout.TotalSeconds:0}s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

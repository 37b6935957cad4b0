using System.Net;
using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Core.Configuration;
using Nightshift.Core.Errors;
using Nightshift.Core.Text;
using Nightshift.Storage;

namespace Nightshift.Cli.Doctor;

/// <summary>The checks behind <c>nightshift doctor</c>; each says what is wrong and what to do about it.</summary>
internal sealed class DoctorChecks(ProcessRunner runner, CliEnvironment environment)
{
    public static readonly string[] ModelVariables =
        ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "NIGHTSHIFT_MODEL"];

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    public async Task<CheckResult> GitAsync(CancellationToken cancellationToken = default)
    {
        var result = await runner.RunAsync("git", ["--version"], ProbeTimeout, cancellationToken);
        return result is { ExitCode: 0 }
            ? CheckResult.Ok("git", FirstLine(result.Stdout))
            : CheckResult.Fail("git", "git is not installed or does not run", "install git (Debian: apt-get install git); workspaces need the git command");
    }

    public async Task<CheckResult> BubblewrapAsync(CancellationToken cancellationToken = default)
    {
        var version = await runner.RunAsync("bwrap", ["--version"], ProbeTimeout, cancellationToken);
        if (version is null)
        {
            return CheckResult.Fail("bwrap", "bubblewrap (bwrap) is not installed", "install it (Debian: apt-get install bubblewrap); every command the agent runs goes through it");
        }
        var trial = await runner.RunAsync("bwrap", ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "/bin/true"], ProbeTimeout, cancellationToken);
        if (trial is { ExitCode: 0, TimedOut: false })
        {
            return CheckResult.Ok("bwrap", FirstLine(version.Stdout) + "; a sandbox with new namespaces starts");
        }
        var why = trial is null ? "it could not be started" : trial.TimedOut ? "it did not finish in time" : SafeText.Clean(FirstLine(trial.Stderr), 200);
        return CheckResult.Fail(
            "bwrap",
            $"{FirstLine(version.Stdout)} is installed but cannot create a sandbox: {why}",
            "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0), or run inside a container that permits them");
    }

    public async Task<CheckResult> SocatAsync(CancellationToken cancellationToken = default)
    {
        var result = await runner.RunAsync("socat", ["-V"], ProbeTimeout, cancellationToken);
        return result is { ExitCode: 0 }
            ? CheckResult.Ok("socat", FirstLine(result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("socat version", StringComparison.Ordinal)) ?? result.Stdout))
            : CheckResult.Warn("socat", "socat is not installed, so networked commands (setup, by default) cannot run",
                "install it (Debian: apt-get install socat); it bridges a networked jail's loopback to the worker's egress proxy");
    }

    /// <summary>Which limits the sandbox can enforce here: cgroups for memory and processes, or only rlimits.</summary>
    public static CheckResult Limits()
    {
        using var sandbox = new Sandbox.BubblewrapSandbox(
            Microsoft.Extensions.Options.Options.Create(new Sandbox.SandboxOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<Sandbox.BubblewrapSandbox>.Instance);
        return sandbox.CgroupLimitsInForce
            ? CheckResult.Ok("limits", sandbox.LimitsInForce)
            : CheckResult.Warn("limits", sandbox.LimitsInForce,
                "give the worker a writable cgroup (a delegated cgroup v2 subtree, e.g. systemd's Delegate=yes, or a container with a writable /sys/fs/cgroup); Sandbox:RequireCgroupLimits=true makes the worker refuse to run without one");
    }

    public async Task<CheckResult> RipgrepAsync(CancellationToken cancellationToken = default)
    {
        var result = await runner.RunAsync("rg", ["--version"], ProbeTimeout, cancellationToken);
        return result is { ExitCode: 0 }
            ? CheckResult.Ok("rg", FirstLine(result.Stdout))
            : CheckResult.Warn("rg", "ripgrep (rg) is not installed", "install it (Debian: apt-get install ripgrep); the agent's code search needs it");
    }

    public async Task<CheckResult> CtagsAsync(CancellationToken cancellationToken = default)
    {
        var result = await runner.RunAsync("ctags", ["--version"], ProbeTimeout, cancellationToken);
        if (result is not { ExitCode: 0 })
        {
            return CheckResult.Warn("ctags", "universal-ctags is not installed", "install it (Debian: apt-get install universal-ctags); the repository map uses its symbols");
        }
        var first = FirstLine(result.Stdout);
        return first.Contains("Universal Ctags", StringComparison.OrdinalIgnoreCase)
            ? CheckResult.Ok("ctags", first)
            : CheckResult.Warn("ctags", $"'ctags' is not Universal Ctags ({SafeText.Clean(first, 80)})", "install universal-ctags (Debian: apt-get install universal-ctags) and put it first on PATH");
    }

    public async Task<CheckResult> StoreAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var database = environment.GetVariable(NightshiftPaths.DatabaseVariable);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ProbeTimeout);
        try
        {
            // Opening migrates: on a fresh machine this creates the SQLite file `nightshift up` would create anyway.
            await using var store = await StoreFactory.OpenAsync(dataDirectory, database, environment.Time, cancellationToken: deadline.Token);
            await store.PingAsync(deadline.Token);
            var where = string.IsNullOrWhiteSpace(database) ? NightshiftPaths.DefaultDatabase(dataDirectory) : "the database NIGHTSHIFT_DB names";
            return CheckResult.Ok("store", $"{store.Dialect} store at {where} opens and answers");
        }
        catch (StoreConfigurationException error)
        {
            return CheckResult.Fail("store", SafeText.Clean(error.Message, 400), "fix NIGHTSHIFT_DB or choose a writable --data folder");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail("store", $"the store did not answer within {ProbeTimeout.TotalSeconds:0} s", "check that the database server runs and NIGHTSHIFT_DB points at it");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            return CheckResult.Fail("store", $"the store in {dataDirectory} cannot be opened: {SafeText.Clean(error.Message, 300)}", "choose a writable folder with --data or NIGHTSHIFT_DATA, or fix its permissions");
        }
    }

    public static async Task<CheckResult> ServerAsync(NightshiftApiClient client, CancellationToken cancellationToken = default)
    {
        var connection = client.Connection;
        var where = $"{connection.BaseUrl.GetLeftPart(UriPartial.Authority)} (from {connection.UrlSource})";
        HttpStatusCode health;
        try
        {
            health = await client.HealthAsync(cancellationToken);
        }
        catch (ServerUnreachableException)
        {
            return CheckResult.Warn("server", $"no server answers at {where}", "start one with `nightshift up`, or point --server / NIGHTSHIFT_SERVER at a running one");
        }
        if (health != HttpStatusCode.OK)
        {
            return CheckResult.Fail("server", $"the server at {where} reports it is unhealthy ({(int)health})", "look at the server's output; `GET /health` says what is wrong (often the store)");
        }
        if (connection.Token is null)
        {
            return CheckResult.Warn("server", $"a server answers at {where}, but no token was found ({connection.TokenSource})", "pass --token, set NIGHTSHIFT_TOKEN, or use the server's --data folder");
        }
        try
        {
            await client.ListAsync(null, null, null, 1, cancellationToken);
            return CheckResult.Ok("server", $"{where} answers and accepts the token from {connection.TokenSource}");
        }
        catch (ApiException error) when (error.Problem.Status is 401 or 403)
        {
            return CheckResult.Fail("server", $"the server at {where} refuses the token from {connection.TokenSource}", "use the token in the server's data folder (<data>/token), or the one it was configured with");
        }
        catch (Exception error) when (error is ApiException or ProtocolException or ServerUnreachableException)
        {
            return CheckResult.Fail("server", $"the server at {where} answers /health but not the task API: {SafeText.Clean(error.Message, 200)}", "is the URL a Nightshift server of the same version?");
        }
    }

    public CheckResult ModelCredentials()
    {
        var set = ModelVariables.Where(name => !string.IsNullOrWhiteSpace(environment.GetVariable(name))).ToList();
        return set.Count == 0
            ? CheckResult.Warn("models", "no model credentials are set", $"set one of {string.Join(", ", ModelVariables.SkipLast(1))} (and NIGHTSHIFT_MODEL to pick a model, e.g. anthropic/claude-sonnet-4-5)")
            : CheckResult.Ok("models", "set: " + string.Join(", ", set));
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

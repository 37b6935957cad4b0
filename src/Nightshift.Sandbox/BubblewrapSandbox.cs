using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Sandbox.Internal;
using Nightshift.Sandbox.Network;
using Nightshift.Sandbox.Network.Interception;

namespace Nightshift.Sandbox;

/// <summary>
/// Runs commands in a bubblewrap jail: new user (uid 1000, no capabilities), pid, ipc, uts, cgroup and network
/// namespaces (a networked command's only way out is an <see cref="EgressProxy"/> of its own); read-only /usr and a minimal /etc; the worktree read-write at /workspace;
/// private /tmp and HOME; an environment from an allow-list only; rlimits, cgroup limits where the host allows them,
/// a wall-clock timeout that kills the whole tree, and capped output.
/// </summary>
public sealed partial class BubblewrapSandbox : ISandbox, IDisposable
{
    private const int SignalCpu = 24;
    private const int SignalFileSize = 25;
    private const string BwrapExecFailed = "bwrap: execvp ";
    private const string LauncherShell = "/bin/bash";

    private readonly SandboxOptions _options;
    private readonly ILogger<BubblewrapSandbox> _logger;
    private readonly TimeProvider _time;
    private readonly bool _unsandboxed;
    private readonly Lazy<string?> _bwrap;
    private readonly Lazy<CgroupSupport> _cgroups;
    private readonly Lazy<string> _etcFolder;
    private readonly Lazy<LauncherPool> _launchers;
    private readonly Lazy<ReadyJailPool?> _readyJails;
    private readonly Lazy<IEgressPolicy> _egressPolicy;
    private readonly Lazy<EgressTrust> _egressTrust;
    private int _readyJailsUsed;

    public BubblewrapSandbox(IOptions<SandboxOptions> options, ILogger<BubblewrapSandbox> logger, TimeProvider? time = null)
        : this(options, logger, time, Environment.GetEnvironmentVariable)
    {
    }

    internal BubblewrapSandbox(IOptions<SandboxOptions> options, ILogger<BubblewrapSandbox> logger, TimeProvider? time, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _unsandboxed = _options.AllowUnsandboxed || environment(SandboxOptions.UnsafeNoSandboxVariable) == "1";
        _bwrap = new Lazy<string?>(() => ResolveProgram(_options.BwrapPath));
        _cgroups = new Lazy<CgroupSupport>(() => _options.UseCgroups ? CgroupSupport.Detect() : CgroupSupport.None);
        // A bind mount shows its source's path in the jail's /proc/self/mountinfo: the jail's /etc files live in a
        // private temporary folder, so that path names nothing of the data folder.
        _etcFolder = new Lazy<string>(() =>
        {
            var folder = Directory.CreateTempSubdirectory("nightshift-jail-etc-").FullName;
            JailEtc.Ensure(folder);
            return folder;
        });
        _egressPolicy = new Lazy<IEgressPolicy>(() => new PublicInternetPolicy(
            [.. (_options.Egress?.AllowPrivate ?? []).Select(entry => EgressAllowance.TryParse(entry, out _)).OfType<EgressAllowance>()]));
        // The CA is made (or read) at the first networked command, not at start: most workers may never need it.
        _egressTrust = new Lazy<EgressTrust>(() => EgressTrust.Load(_options.Egress ?? new EgressOptions(), _options.StateDirectory, _etcFolder.Value, _time), LazyThreadSafetyMode.PublicationOnly);
        _launchers = new Lazy<LauncherPool>(() =>
        {
            var folder = Path.Join(_options.StateDirectory ?? Path.Join(NightshiftPaths.ResolveDataDirectory(null), "sandbox"), "launch");
            Directory.CreateDirectory(folder);
            return new LauncherPool(() => JailLauncher.StartAsync(LauncherShell, _cgroups.Value, folder), _options.PrewarmLaunchers);
        });
        _readyJails = new Lazy<ReadyJailPool?>(() => _options.ReadyJails <= 0 || _bwrap.Value is not { } bwrap
            ? null
            : new ReadyJailPool(async shape => await ReadyJail.StartAsync(await _launchers.Value.AcquireAsync().ConfigureAwait(false), bwrap, shape).ConfigureAwait(false), _options.ReadyJails, _time));
    }

    /// <summary>True when cgroups enforce both the memory and the process limit of every jail.</summary>
    public bool CgroupLimitsInForce => !_unsandboxed && _cgroups.Value is { PidsParent: not null, MemoryParent: not null };

    /// <summary>Which limits are in force on this host, in a line a person reads (for the doctor and the banner).</summary>
    public string LimitsInForce => _unsandboxed
        ? "NONE enforced per jail: the sandbox is switched off (development switch); only rlimits per process"
        : DescribeLimits(_cgroups.Value);

    internal static string DescribeLimits(CgroupSupport support)
    {
        const string perProcess = "CPU time, file size and open files per process (rlimits)";
        return (support.MemoryParent, support.PidsParent) switch
        {
            (not null, not null) => $"memory and processes per jail (cgroups: {support.Description}); {perProcess}",
            (null, not null) => $"processes per jail (cgroups: {support.Description}); memory NOT limited per jail (no writable memory cgroup; Limits:AddressSpaceBytes is the per-process fallback); {perProcess}",
            (not null, null) => $"memory per jail (cgroups: {support.Description}); processes only by RLIMIT_NPROC (which a worker running as root does not bind); {perProcess}",
            _ => $"rlimits only — no writable cgroup, so memory is NOT limited per jail and processes only by RLIMIT_NPROC (which a worker running as root does not bind); {perProcess}; set Sandbox:RequireCgroupLimits=true to refuse to run like this",
        };
    }

    /// <summary>True when the development switch makes every command run on the host without a jail.</summary>
    public bool Unsandboxed => _unsandboxed;

    /// <summary>What cgroup support was found on this host (for the doctor check).</summary>
    public string CgroupDescription => _cgroups.Value.Description;

    internal CgroupSupport Cgroups => _cgroups.Value;

    /// <summary>The private folder the jail's /etc files are mounted from; it appears in every jail's bubblewrap command line (for tests).</summary>
    internal string JailEtcFolder => _etcFolder.Value;

    /// <summary>How many commands ran in a jail set up ahead of them (for tests and the benchmark).</summary>
    internal int ReadyJailsUsed => _readyJailsUsed;

    /// <summary>Completes once the jails being set up for next commands are ready (for tests and the benchmark).</summary>
    internal Task ReadyJailsSettledAsync() => _readyJails.IsValueCreated && _readyJails.Value is { } pool ? pool.SettledAsync() : Task.CompletedTask;

    /// <summary>Ends idle jails now rather than at the next timer tick (for tests).</summary>
    internal void SweepReadyJails()
    {
        if (_readyJails.IsValueCreated)
        {
            _readyJails.Value?.Sweep();
        }
    }

    /// <summary>How many jails are waiting, or being set up, for a next command.</summary>
    internal int ReadyJailsWaiting => _readyJails.IsValueCreated ? _readyJails.Value?.Count ?? 0 : 0;

    public async Task<CommandResult> RunAsync(CommandSpec spec, CancellationToken cancellationToken = default)
    {
        using var activity = CommandTelemetry.Start(spec);
        try
        {
            var result = await RunCommandAsync(spec, cancellationToken).ConfigureAwait(false);
            CommandTelemetry.Finished(activity, result);
            return result;
        }
        catch (Exception exception)
        {
            CommandTelemetry.Failed(activity, exception);
            throw;
        }
    }

    private async Task<CommandResult> RunCommandAsync(CommandSpec spec, CancellationToken cancellationToken)
    {
        var command = SpecValidator.Prepare(spec, _options);
        cancellationToken.ThrowIfCancellationRequested();
        if (_options.RequireCgroupLimits && !CgroupLimitsInForce)
        {
            throw new SandboxUnavailableException(
                $"Sandbox:RequireCgroupLimits is on, but the jail's memory and process limits cannot be enforced by cgroups here ({(_unsandboxed ? "the sandbox is switched off" : _cgroups.Value.Description)}); give the worker a writable cgroup (a delegated cgroup v2 subtree, e.g. systemd's Delegate=yes, or a container with a writable /sys/fs/cgroup), or set Sandbox:RequireCgroupLimits=false to run with rlimits alone");
        }
        if (_unsandboxed)
        {
            return await RunUnsandboxedAsync(command, cancellationToken).ConfigureAwait(false);
        }

        var bwrap = _bwrap.Value ?? throw new SandboxUnavailableException(
            $"bubblewrap was not found at '{_options.BwrapPath}': install it (Debian/Ubuntu: apt-get install bubblewrap) or set Sandbox:BwrapPath, then run `nightshift doctor`");
        string etcFolder;
        try
        {
            etcFolder = _etcFolder.Value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SandboxUnavailableException($"could not write the jail's /etc files to a temporary folder: {ex.Message}; make the temporary folder ({Path.GetTempPath()}, or TMPDIR) writable", ex);
        }
        if (command.CachePath is not null)
        {
            PrepareCache(command.CachePath);
        }

        await using var egress = command.Network.IsNetworked() ? StartEgress(spec) : null;
        if (egress is not null)
        {
            command = command with { EgressFolder = egress.Folder, CaBundle = _egressTrust.Value.BundlePath };
        }
        var (outcome, limitHit) = await RunJailedAsync(command, bwrap, etcFolder, cancellationToken).ConfigureAwait(false);
        if (outcome.ExitCode == 1 && outcome.Stderr.StartsWith("bwrap: ", StringComparison.Ordinal))
        {
            // Whatever the command prints is its own business: only a trivial command failing the same way proves
            // that bubblewrap itself cannot set up a jail.
            var probe = command with { Argv = ["/bin/true"], OnOutput = null, Network = NetworkPolicy.Off, Timeout = TimeSpan.FromSeconds(30) };
            var (check, _) = await RunJailedAsync(probe, bwrap, etcFolder, cancellationToken).ConfigureAwait(false);
            if (check.ExitCode != 0)
            {
                throw new SandboxUnavailableException(
                    $"bubblewrap could not set up the jail: {Text.FirstLine(check.Stderr)}; it needs user namespaces (sysctl kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0, or run the worker as root); run `nightshift doctor`");
            }
            if (outcome.Stderr.StartsWith(BwrapExecFailed + command.Argv[0] + ": ", StringComparison.Ordinal) && !outcome.Stderr.TrimEnd().Contains('\n', StringComparison.Ordinal))
            {
                outcome = ProgramNotRun(outcome, command.Argv[0]);
            }
        }

        var result = ToResult(outcome, limitHit, sandboxed: true);
        LogCommandFinished(command.Argv[0], result.ExitCode, result.Duration.TotalMilliseconds, result.LimitHit);
        return result;
    }

    private async Task<(ProcessOutcome Outcome, SandboxLimit LimitHit)> RunJailedAsync(PreparedCommand command, string bwrap, string etcFolder, CancellationToken cancellationToken)
    {
        var pool = _readyJails.Value;
        // A networked jail mounts its own command's proxy socket, so it cannot be set up before the command is known.
        if (pool is null || command.Network.IsNetworked())
        {
            return await RunInNewJailAsync(command, bwrap, etcFolder, cancellationToken).ConfigureAwait(false);
        }
        var shape = BwrapArguments.Shape(command, _options, etcFolder, Environment.IsPrivilegedProcess);
        try
        {
            // env -i would read a program name holding '=' as a variable: such a command takes the ordinary path.
            if (!command.Argv[0].Contains('=', StringComparison.Ordinal)
                && await pool.TakeAsync(shape, command.Worktree, command.CachePath).ConfigureAwait(false) is { } ready)
            {
                LogReadyJailUsed(command.Argv[0]);
                if (await RunInReadyJailAsync(ready, command, cancellationToken).ConfigureAwait(false) is { } outcome)
                {
                    Interlocked.Increment(ref _readyJailsUsed);
                    return outcome;
                }
            }
            return await RunInNewJailAsync(command, bwrap, etcFolder, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The next command in this worktree most likely comes soon, in the same shape; set its jail up meanwhile.
            pool.Replenish(shape, command.Worktree, command.CachePath);
        }
    }

    /// <summary>Runs <paramref name="command"/> in a jail set up ahead of it; null when the jail turned out to be gone.</summary>
    private async Task<(ProcessOutcome Outcome, SandboxLimit LimitHit)?> RunInReadyJailAsync(ReadyJail jail, PreparedCommand command, CancellationToken cancellationToken)
    {
        var launched = false;
        try
        {
            try
            {
                launched = await jail.LaunchAsync(command).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SandboxUnavailableException($"could not set the command's limits: {ex.Message}; check that the cgroup folders are writable ({CgroupDescription}), or set Sandbox:UseCgroups=false", ex);
            }
            if (!launched)
            {
                return null;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await ProcessRunner.RunAsync(jail.Process, command, _options, _time, ex => LogCallbackFailed(ex), killTree: false, cancellationToken).ConfigureAwait(false);
            return (outcome with { CpuTime = jail.Cgroups?.CpuTime() }, ClassifyLimit(outcome, jail.Cgroups));
        }
        finally
        {
            if (launched)
            {
                await SweepAsync(jail.Cgroups).ConfigureAwait(false);
            }
            jail.Dispose();
        }
    }

    private async Task<(ProcessOutcome Outcome, SandboxLimit LimitHit)> RunInNewJailAsync(PreparedCommand command, string bwrap, string etcFolder, CancellationToken cancellationToken)
    {
        var bwrapArgs = BwrapArguments.Build(command, _options, etcFolder, Environment.IsPrivilegedProcess);
        JailLauncher? launcher = await _launchers.Value.AcquireAsync().ConfigureAwait(false);
        try
        {
            // A launcher that died while idle (killed, say) is noticed at the go; the next one is fresh.
            for (var attempt = 1; !await LaunchAsync(launcher, command, bwrap, bwrapArgs).ConfigureAwait(false); attempt++)
            {
                launcher.Dispose();
                launcher = null;
                if (attempt == 3)
                {
                    throw new SandboxUnavailableException("the jail's launchers keep dying before they start their command; check that /bin/bash runs and nothing kills the worker's children, then run `nightshift doctor`");
                }
                cancellationToken.ThrowIfCancellationRequested();
                launcher = await _launchers.Value.AcquireAsync().ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await ProcessRunner.RunAsync(launcher.Process, command, _options, _time, ex => LogCallbackFailed(ex), killTree: false, cancellationToken).ConfigureAwait(false);
            return (outcome with { CpuTime = launcher.Cgroups?.CpuTime() }, ClassifyLimit(outcome, launcher.Cgroups));
        }
        finally
        {
            await SweepAsync(launcher?.Cgroups).ConfigureAwait(false);
            launcher?.Dispose();
        }
    }

    /// <summary>Kills what a finished command left in its groups (after a grace second) and removes the groups.</summary>
    private async Task SweepAsync(CgroupJail? groups)
    {
        if (groups is not null)
        {
            var leftovers = await groups.SweepAndRemoveAsync(grace: TimeSpan.FromSeconds(1), patience: TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            if (leftovers > 0)
            {
                LogLeftoversKilled(leftovers);
            }
        }
    }

    private async Task<bool> LaunchAsync(JailLauncher launcher, PreparedCommand command, string bwrap, List<string> bwrapArgs)
    {
        try
        {
            return await launcher.LaunchAsync(JailScripts.Limits(command.Limits), [bwrap, .. bwrapArgs], command.Limits).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SandboxUnavailableException($"could not set the command's limits or write its arguments: {ex.Message}; check that Sandbox:StateDirectory and the cgroup folders are writable ({CgroupDescription}), or set Sandbox:UseCgroups=false", ex);
        }
    }

    private async Task<CommandResult> RunUnsandboxedAsync(PreparedCommand command, CancellationToken cancellationToken)
    {
        LogUnsandboxed(command.Argv[0]);
        var home = Directory.CreateTempSubdirectory("nightshift-unsafe-home-");
        try
        {
            var hostDirectory = command.WorkingDirectory == SandboxPaths.Workspace
                ? command.Worktree
                : command.Worktree + command.WorkingDirectory[SandboxPaths.Workspace.Length..];
            var startInfo = new ProcessStartInfo("/bin/bash") { WorkingDirectory = hostDirectory };
            startInfo.Environment.Clear();
            var cache = command.CachePath ?? Path.Join(home.FullName, ".cache-root");
            foreach (var (name, value) in JailEnvironment.Base(home.FullName, cache))
            {
                startInfo.Environment[name] = value;
            }
            foreach (var (name, value) in command.ExtraEnvironment)
            {
                startInfo.Environment[name] = value;
            }
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(JailScripts.LimitAndExec);
            foreach (var arg in JailScripts.LimitArguments(command.Limits).Concat(command.Argv))
            {
                startInfo.ArgumentList.Add(arg);
            }
            using var process = await ProcessRunner.StartAsync(startInfo).ConfigureAwait(false);
            process.StandardInput.Close();
            // No pid namespace holds an unjailed command's children together: a kill has to find them one by one.
            var outcome = await ProcessRunner.RunAsync(process, command, _options, _time, ex => LogCallbackFailed(ex), killTree: true, cancellationToken).ConfigureAwait(false);
            return ToResult(outcome, ClassifyLimit(outcome, null), sandboxed: false);
        }
        finally
        {
            try
            {
                home.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Starts the egress proxy of one networked command, on a socket in a private folder of its own.</summary>
    private EgressSession StartEgress(CommandSpec spec)
    {
        if (!JailEnvironment.Path.Split(':').Any(folder => File.Exists(Path.Join(folder, "socat"))))
        {
            throw new SandboxUnavailableException(
                "a networked command needs socat, which bridges the jail's loopback to the egress proxy, and it is not installed: install it (Debian/Ubuntu: apt-get install socat), then run `nightshift doctor`");
        }
        var folder = Directory.CreateTempSubdirectory("nightshift-egress-").FullName;
        try
        {
            var trust = LoadEgressTrust();
            var proxy = EgressProxy.Start(Path.Join(folder, Path.GetFileName(SandboxPaths.ProxySocket)), spec.EgressPolicy ?? _egressPolicy.Value, _options.Egress ?? new EgressOptions(), spec.OnNetwork, _logger,
                new EgressInterception(trust.Authority, trust.Upstream, spec.EgressCredentials));
            return new EgressSession(folder, proxy);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            Directory.Delete(folder, recursive: true);
            throw new SandboxUnavailableException($"could not start the egress proxy for a networked command: {ex.Message}; check that the temporary folder ({Path.GetTempPath()}) is writable", ex);
        }
    }

    private EgressTrust LoadEgressTrust()
    {
        try
        {
            return _egressTrust.Value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
        {
            throw new SandboxUnavailableException($"could not load or make the egress CA (Sandbox:Egress:CaFolder) or read Sandbox:Egress:UpstreamCaFile: {ex.Message}; check that the folder is the worker's own and writable, and that the file holds PEM certificates", ex);
        }
    }

    /// <summary>Ends the launchers kept ready for the next commands.</summary>
    public void Dispose()
    {
        if (_readyJails.IsValueCreated)
        {
            _readyJails.Value?.Dispose();
        }
        if (_launchers.IsValueCreated)
        {
            _launchers.Value.Dispose();
        }
        if (_etcFolder.IsValueCreated)
        {
            try
            {
                Directory.Delete(_etcFolder.Value, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // bubblewrap executes the command itself; when that fails nothing ran, and the result reads like a shell's:
    // 127 for a program that is not there, 126 for one that cannot be executed.
    private static ProcessOutcome ProgramNotRun(ProcessOutcome outcome, string program)
    {
        var missing = outcome.Stderr.Contains("No such file or directory", StringComparison.Ordinal);
        var reason = missing ? "command not found" : outcome.Stderr.Trim()[BwrapExecFailed.Length..];
        return outcome with { ExitCode = missing ? 127 : 126, Stderr = $"{program}: {reason}\n" };
    }

    private static SandboxLimit ClassifyLimit(ProcessOutcome outcome, CgroupJail? jail)
    {
        var signal = SignalOf(outcome.ExitCode);
        if (!outcome.TimedOut && signal == SignalCpu)
        {
            return SandboxLimit.CpuTime;
        }
        if (!outcome.TimedOut && signal == SignalFileSize)
        {
            return SandboxLimit.FileSize;
        }
        if (jail is not null && jail.MemoryLimitHit())
        {
            return SandboxLimit.Memory;
        }
        // A fork bomb never ends by itself: it meets the process limit, then the timeout. The former is the cause.
        if (jail is not null && jail.ProcessLimitHit())
        {
            return SandboxLimit.Processes;
        }
        return outcome.TimedOut ? SandboxLimit.WallClock : SandboxLimit.None;
    }

    private static CommandResult ToResult(ProcessOutcome outcome, SandboxLimit limit, bool sandboxed) =>
        new(outcome.ExitCode, outcome.Stdout, outcome.Stderr, outcome.Duration, outcome.TimedOut, outcome.Truncated)
        {
            LimitHit = limit,
            Signal = SignalOf(outcome.ExitCode),
            CpuTime = outcome.CpuTime,
            Sandboxed = sandboxed,
            StdoutBytes = outcome.StdoutBytes,
            StderrBytes = outcome.StderrBytes,
        };

    // bubblewrap and bash both report a child killed by signal N as exit code 128 + N.
    private static int? SignalOf(int exitCode) => exitCode is > 128 and < 128 + 65 ? exitCode - 128 : null;

    private static void PrepareCache(string cachePath)
    {
        foreach (var (folder, _) in JailEnvironment.CacheFolders)
        {
            Directory.CreateDirectory(Path.Join(cachePath, folder));
        }
    }

    private static string? ResolveProgram(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Join(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "UNSAFE: running '{Program}' WITHOUT a sandbox because Sandbox:AllowUnsandboxed or NIGHTSHIFT_UNSAFE_NO_SANDBOX=1 is set; turn it off unless this is a development machine running trusted code")]
    private partial void LogUnsandboxed(string program);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Jailed '{Program}' exited {ExitCode} after {Milliseconds:0} ms (limit hit: {Limit})")]
    private partial void LogCommandFinished(string program, int exitCode, double milliseconds, SandboxLimit limit);

    // Test runners and shells routinely leave helpers behind; killing them is routine, not a problem.
    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Killed {Count} processes left behind in a finished jail's cgroup")]
    private partial void LogLeftoversKilled(int count);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Running '{Program}' in a jail set up ahead of it")]
    private partial void LogReadyJailUsed(string program);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "An output listener threw; the command keeps running and its output is still collected")]
    private partial void LogCallbackFailed(Exception exception);
}

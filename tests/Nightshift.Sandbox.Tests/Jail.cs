using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

/// <summary>
/// A real bubblewrap sandbox with its own state folder, shared by one test class. Every command runs in a jail set up
/// on its path (Sandbox:ReadyJails=0); <see cref="ReadyJailFixture"/> runs the same tests in jails set up ahead.
/// </summary>
public class Jail : IDisposable
{
    private readonly TempFolder _state = new("nightshift-sandbox-state-");

    public Jail()
        : this(readyJails: false)
    {
    }

    protected Jail(bool readyJails)
    {
        ReadyJails = readyJails;
        Options = new SandboxOptions { StateDirectory = _state.Path, ReadyJails = readyJails ? 4 : 0 };
        Sandbox = new BubblewrapSandbox(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<BubblewrapSandbox>.Instance);
    }

    /// <summary>Whether commands run in jails set up ahead of them.</summary>
    public bool ReadyJails { get; }

    public SandboxOptions Options { get; }

    public BubblewrapSandbox Sandbox { get; }

    /// <summary>Runs a bash script in a jail over <paramref name="worktree"/>, with short test-sized defaults.</summary>
    public Task<CommandResult> ShellAsync(TempFolder worktree, string script, Func<CommandSpec, CommandSpec>? adjust = null, CancellationToken cancellationToken = default)
    {
        var spec = CommandSpec.Shell(script) with { WorktreePath = worktree.Path, Timeout = TimeSpan.FromSeconds(20) };
        return RunAsync(adjust is null ? spec : adjust(spec), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="spec"/>. With ready jails, a trivial command of the same shape runs first, so that
    /// <paramref name="spec"/> finds a jail set up ahead of it — and a finished command is checked to have used it.
    /// A networked command never does (its jail mounts its own proxy's socket): it is checked to have used none.
    /// </summary>
    public async Task<CommandResult> RunAsync(CommandSpec spec, CancellationToken cancellationToken = default)
    {
        if (!ReadyJails)
        {
            return await Sandbox.RunAsync(spec, cancellationToken);
        }
        if (spec.Network == NetworkPolicy.On)
        {
            var before = Sandbox.ReadyJailsUsed;
            var networked = await Sandbox.RunAsync(spec, cancellationToken);
            Sandbox.ReadyJailsUsed.ShouldBe(before, "a networked command must not run in a jail set up ahead of it");
            return networked;
        }
        var primer = CommandSpec.Exec("true") with { WorktreePath = spec.WorktreePath, CachePath = spec.CachePath, Network = spec.Network, Limits = spec.Limits, Timeout = TimeSpan.FromSeconds(20) };
        (await Sandbox.RunAsync(primer, CancellationToken.None)).ExitCode.ShouldBe(0, "the command that sets up the next jail failed");
        await Sandbox.ReadyJailsSettledAsync();
        var used = Sandbox.ReadyJailsUsed;
        var result = await Sandbox.RunAsync(spec, cancellationToken);
        Sandbox.ReadyJailsUsed.ShouldBeGreaterThan(used, "the command was meant to run in a jail set up ahead of it");
        return result;
    }

    public static BubblewrapSandbox Create(SandboxOptions options, Func<string, string?>? environment = null, Microsoft.Extensions.Logging.ILogger<BubblewrapSandbox>? logger = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), logger ?? NullLogger<BubblewrapSandbox>.Instance, null, environment ?? (_ => null));

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Sandbox.Dispose();
            _state.Dispose();
        }
    }
}

/// <summary>The same sandbox with jails set up ahead of commands (the default), every command checked to have used one.</summary>
public sealed class ReadyJailFixture() : Jail(readyJails: true);

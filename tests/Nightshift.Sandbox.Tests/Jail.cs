using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

/// <summary>A real bubblewrap sandbox with its own state folder and a fresh worktree, shared by one test class.</summary>
public sealed class Jail : IDisposable
{
    private readonly TempFolder _state = new("nightshift-sandbox-state-");

    public Jail()
    {
        Options = new SandboxOptions { StateDirectory = _state.Path };
        Sandbox = new BubblewrapSandbox(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<BubblewrapSandbox>.Instance);
    }

    public SandboxOptions Options { get; }

    public BubblewrapSandbox Sandbox { get; }

    /// <summary>Runs a bash script in a jail over <paramref name="worktree"/>, with short test-sized defaults.</summary>
    public Task<CommandResult> ShellAsync(TempFolder worktree, string script, Func<CommandSpec, CommandSpec>? adjust = null, CancellationToken cancellationToken = default)
    {
        var spec = CommandSpec.Shell(script) with { WorktreePath = worktree.Path, Timeout = TimeSpan.FromSeconds(20) };
        return Sandbox.RunAsync(adjust is null ? spec : adjust(spec), cancellationToken);
    }

    public static BubblewrapSandbox Create(SandboxOptions options, Func<string, string?>? environment = null, Microsoft.Extensions.Logging.ILogger<BubblewrapSandbox>? logger = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), logger ?? NullLogger<BubblewrapSandbox>.Instance, null, environment ?? (_ => null));

    public void Dispose()
    {
        Sandbox.Dispose();
        _state.Dispose();
    }
}

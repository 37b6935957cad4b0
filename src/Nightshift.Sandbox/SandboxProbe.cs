using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;

namespace Nightshift.Sandbox;

/// <summary>Runs a jailed <c>/bin/true</c> and checks the jail's promises; used by <c>nightshift doctor</c> and when a task starts.</summary>
public sealed class SandboxProbe(ISandbox sandbox, IOptions<SandboxOptions> options)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    public async Task<SandboxCheck> CheckAsync(CancellationToken cancellationToken = default)
    {
        var details = new List<string>();
        if (sandbox is BubblewrapSandbox bubblewrap)
        {
            if (bubblewrap.Unsandboxed)
            {
                return new SandboxCheck(false, "UNSAFE: the sandbox is switched off; commands run on the host with no isolation",
                    $"remove Sandbox:AllowUnsandboxed and the {SandboxOptions.UnsafeNoSandboxVariable} variable", ["development switch: on"]);
            }
            details.Add(bubblewrap.CgroupDescription);
        }

        var folder = Directory.CreateTempSubdirectory("nightshift-probe-");
        try
        {
            var trueResult = await sandbox.RunAsync(Probe(folder.FullName, "/bin/true"), cancellationToken).ConfigureAwait(false);
            if (trueResult.ExitCode != 0)
            {
                return new SandboxCheck(false, $"a jailed /bin/true exited {trueResult.ExitCode}: {trueResult.Stderr.Trim()}",
                    "check that /usr/bin/true exists and bubblewrap works: bwrap --ro-bind / / /bin/true", details);
            }
            details.Add($"jailed /bin/true took {trueResult.Duration.TotalMilliseconds:0} ms");

            var status = await sandbox.RunAsync(Probe(folder.FullName, "/bin/cat", "/proc/self/status"), cancellationToken).ConfigureAwait(false);
            var noNewPrivs = status.Stdout.Split('\n').Any(l => l.StartsWith("NoNewPrivs:", StringComparison.Ordinal) && l.TrimEnd().EndsWith('1'));
            var noCaps = status.Stdout.Split('\n').Any(l => l.StartsWith("CapEff:", StringComparison.Ordinal) && l.TrimEnd().EndsWith("0000000000000000", StringComparison.Ordinal));
            if (!noNewPrivs || !noCaps)
            {
                return new SandboxCheck(false, "the jail does not drop privileges (NoNewPrivs or capabilities)",
                    "upgrade bubblewrap to 0.8 or later (Debian 12's package is enough)", details);
            }
            details.Add("no_new_privs set, no capabilities inside");
            return new SandboxCheck(true, "the sandbox works", null, details);
        }
        catch (SandboxUnavailableException ex)
        {
            return new SandboxCheck(false, "the sandbox cannot start", ex.Message, details);
        }
        catch (ValidationException ex)
        {
            return new SandboxCheck(false, "the sandbox settings are invalid", ex.Message, details);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        CommandSpec Probe(string worktree, params string[] argv) => new(argv)
        {
            WorktreePath = worktree,
            Timeout = ProbeTimeout < options.Value.MaxTimeout ? ProbeTimeout : options.Value.MaxTimeout,
        };
    }
}

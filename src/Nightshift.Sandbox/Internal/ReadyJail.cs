using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// A jail set up before its command is known: a launcher (<see cref="JailLauncher"/>) in fresh cgroups became bubblewrap, which made the
/// namespaces and mounts of one shape (<see cref="BwrapArguments.Shape"/>), and <see cref="JailScripts.Waiter"/> waits
/// inside. <see cref="LaunchAsync"/> hands it one command; it is never used twice, so every command still gets fresh
/// namespaces, a fresh /tmp and HOME, and fresh groups. Setting up the jail (most of a jailed start) is then paid
/// between commands, not on a command's path.
/// </summary>
internal sealed class ReadyJail : IDisposable
{
    private const string InnerShell = "/bin/bash";
    private static readonly TimeSpan ReadyPatience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(1);
    private static readonly SandboxLimits NoLimits = new();
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly JailLauncher _launcher;

    private ReadyJail(JailLauncher launcher)
    {
        _launcher = launcher;
    }

    /// <summary>bubblewrap's process (the launcher became it).</summary>
    public Process Process => _launcher.Process;

    public CgroupJail? Cgroups => _launcher.Cgroups;

    /// <summary>
    /// Has <paramref name="launcher"/> (already in its fresh cgroups) become bubblewrap setting up a jail of
    /// <paramref name="shape"/>, and waits until the waiter runs inside. Null when the jail could not be set up: the
    /// command that would have used it takes the ordinary path, which reports why.
    /// </summary>
    public static async Task<ReadyJail?> StartAsync(JailLauncher launcher, string bwrap, IReadOnlyList<string> shape)
    {
        var jail = new ReadyJail(launcher);
        try
        {
            // The waiter needs only builtins and the command's PATH (the sandbox's fixed one) to find programs the way
            // bubblewrap's execvp would; the command's rlimits and environment arrive with its go.
            List<string> command = [bwrap, .. shape, "--chdir", "/", "--clearenv", "--setenv", "PATH", JailEnvironment.Path, "--", InnerShell, "-c", JailScripts.Waiter, "nightshift-jail"];
            if (await launcher.LaunchAsync(JailScripts.Limits(NoLimits), command, NoLimits, keepInputOpen: true).ConfigureAwait(false))
            {
                var ready = Handshake.ExpectAsync(launcher.Process, 'R');
                using var patience = new CancellationTokenSource();
                var timedOut = await Task.WhenAny(ready, Task.Delay(ReadyPatience, patience.Token)).ConfigureAwait(false) != ready;
                await patience.CancelAsync().ConfigureAwait(false);
                if (!timedOut && await ready.ConfigureAwait(false))
                {
                    return jail;
                }
            }
        }
        catch (IOException)
        {
        }
        jail.Dispose();
        return null;
    }

    /// <summary>True while the jail still waits for its go.</summary>
    public bool IsAlive => !Process.HasExited;

    /// <summary>
    /// Limits the groups, gives the go with the command (working directory, rlimits, environment, argv) and waits for
    /// the waiter to acknowledge it. False when the jail turned out to be gone (take the ordinary path); throws
    /// <see cref="IOException"/> when a cgroup limit cannot be written.
    /// </summary>
    public async Task<bool> LaunchAsync(PreparedCommand command)
    {
        Cgroups?.ApplyLimits(command.Limits);
        var environment = BwrapArguments.Environment(command);
        var fields = new List<string> { command.WorkingDirectory };
        fields.AddRange(JailScripts.Limits(command.Limits));
        fields.Add(environment.Count.ToString(CultureInfo.InvariantCulture));
        fields.AddRange(environment.Select(e => e.Key + "=" + e.Value));
        fields.AddRange(command.Argv);

        var payload = new StringBuilder("\n");
        foreach (var field in fields)
        {
            payload.Append(field).Append('\0');
        }
        // After the command nothing more is ever written: it reads end-of-file, not the worker's own stdin.
        return await Handshake.GoAsync(Process, Utf8.GetBytes(payload.ToString()), keepInputOpen: false).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends an unused jail (its waiter exits on end of input, and bubblewrap with it) or tidies up after a used one,
    /// removing its groups.
    /// </summary>
    public void Dispose()
    {
        try
        {
            Process.StandardInput.Close();
            if (!Process.WaitForExit(ExitPatience))
            {
                Process.Kill();
            }
        }
        catch (IOException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        // The pid namespace dies with bubblewrap; the groups empty once the kernel has reaped it.
        Cgroups?.SweepAndRemoveAsync(grace: ExitPatience, patience: ExitPatience * 3).GetAwaiter().GetResult();
        _launcher.Dispose();
    }
}

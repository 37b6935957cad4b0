using System.Diagnostics;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// One host-side launcher (<see cref="JailScripts.Launcher"/>): started before its command is known, inside fresh
/// cgroups, waiting on stdin; <see cref="Launch"/> hands it the command, and it becomes bubblewrap.
/// Used once, then disposed.
/// </summary>
internal sealed class JailLauncher : IDisposable
{
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(1);
    private readonly string _argumentsFile;

    private JailLauncher(Process process, CgroupJail? cgroups, string argumentsFile)
    {
        Process = process;
        Cgroups = cgroups;
        _argumentsFile = argumentsFile;
    }

    /// <summary>The launcher's process; after <see cref="Launch"/>, bubblewrap's.</summary>
    public Process Process { get; }

    public CgroupJail? Cgroups { get; }

    /// <summary>Starts a launcher in new groups and waits until it has joined them.</summary>
    public static async Task<JailLauncher> StartAsync(string shell, CgroupSupport support, string folder)
    {
        var id = Guid.NewGuid().ToString("N");
        CgroupJail? cgroups = null;
        if (support.PidsParent is not null || support.MemoryParent is not null)
        {
            try
            {
                cgroups = CgroupJail.Create(support, id);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SandboxUnavailableException($"could not make the command's cgroup ({support.Description}): {ex.Message}; set Sandbox:UseCgroups=false to rely on rlimits alone", ex);
            }
        }

        var startInfo = new ProcessStartInfo(shell);
        startInfo.Environment.Clear();
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(JailScripts.Launcher);
        startInfo.ArgumentList.Add("nightshift-launcher");
        var argumentsFile = Path.Join(folder, id + ".args");
        startInfo.ArgumentList.Add(argumentsFile);
        foreach (var file in cgroups?.ProcsFiles ?? [])
        {
            startInfo.ArgumentList.Add(file);
        }
        startInfo.ArgumentList.Add("--");

        Process process;
        try
        {
            process = await ProcessRunner.StartAsync(startInfo).ConfigureAwait(false);
        }
        catch
        {
            cgroups?.Remove();
            throw;
        }

        var launcher = new JailLauncher(process, cgroups, argumentsFile);
        try
        {
            if (await Handshake.ExpectAsync(process, 'R').ConfigureAwait(false))
            {
                return launcher;
            }
            var error = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode == 125 && error.StartsWith(JailScripts.CgroupJoinFailed, StringComparison.Ordinal))
            {
                throw new SandboxUnavailableException($"the jail could not join its cgroup: {Text.FirstLine(error)}; set Sandbox:UseCgroups=false to rely on rlimits alone");
            }
            throw new SandboxUnavailableException(
                $"the jail's launcher '{shell}' exited with code {process.ExitCode} before it was ready: {Text.FirstLine(error)}; check that bash runs on this host, then run `nightshift doctor`");
        }
        catch
        {
            launcher.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Limits the groups, writes the launcher's arguments (<paramref name="rlimits"/>, then bubblewrap and its
    /// arguments) and gives the go, then waits for the launcher to acknowledge it. False when the launcher turned out
    /// to be gone (killed while idle: take another) — also when it died between the go and its acknowledgement, which
    /// a write to its input alone cannot tell; throws <see cref="IOException"/> when a limit or the arguments file
    /// cannot be written. <paramref name="keepInputOpen"/>: leave stdin open for what bubblewrap runs (a ReadyJail's waiter).
    /// </summary>
    public async Task<bool> LaunchAsync(IEnumerable<string> rlimits, IEnumerable<string> bwrapCommand, SandboxLimits limits, bool keepInputOpen = false)
    {
        Cgroups?.ApplyLimits(limits);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(_argumentsFile, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            foreach (var argument in rlimits.Concat(bwrapCommand))
            {
                writer.Write(argument);
                writer.Write('\0');
            }
        }
        // Nothing more is ever written: the command reads end-of-file, not the worker's own stdin. Only a ReadyJail
        // keeps it open, for the go of its own waiter.
        return await Handshake.GoAsync(Process, "\n"u8.ToArray(), keepInputOpen).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends an unused launcher (on end of input it leaves and removes its groups itself) or tidies up after a used one.
    /// </summary>
    public void Dispose()
    {
        try
        {
            Process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It is gone already.
        }
        try
        {
            if (!Process.WaitForExit(ExitPatience))
            {
                Process.Kill();
                Process.WaitForExit(ExitPatience);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        Cgroups?.Remove();
        try
        {
            File.Delete(_argumentsFile);
        }
        catch (IOException)
        {
        }
        Process.Dispose();
    }
}

using System.Runtime.InteropServices;

namespace Nightshift.Server.Hosting;

/// <summary>
/// The first SIGTERM or SIGINT starts a graceful shutdown (the host's own handling); a second one ends the process at once,
/// for the person who does not want to wait for running tasks to checkpoint.
/// </summary>
internal sealed partial class SecondSignalExit(ILogger<SecondSignalExit> logger) : IHostedService, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) < 2)
        {
            return;
        }
        LogForcedExit(logger, context.Signal);
        // Environment.Exit would wait for the graceful shutdown this signal is meant to cut short.
        NativeExit(128 + (context.Signal == PosixSignal.SIGINT ? 2 : 15));
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void NativeExit(int status);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Second {Signal}: exiting now without waiting for running tasks")]
    private static partial void LogForcedExit(ILogger logger, PosixSignal signal);
}

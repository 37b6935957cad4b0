using System.Runtime.InteropServices;
using Nightshift.Cli;

using var interrupted = new CancellationTokenSource();
// The first Ctrl-C or SIGTERM asks the command to stop cleanly; a second one ends the process at once.
void Stop(PosixSignalContext context)
{
    if (!interrupted.IsCancellationRequested)
    {
        context.Cancel = true;
        interrupted.Cancel();
    }
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await CliApp.RunAsync(args, CliEnvironment.FromProcess(), interrupted.Token);

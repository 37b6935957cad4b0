using Nightshift.Bench.Fleet.Checks;
using Nightshift.Bench.Fleet.Fleet;

// The fleet harness: see docs/fleet.md. Exit code 0: no violation; 1: violations; 2: bad arguments or a harness failure.
var parsed = FleetArguments.Parse(args);
if (parsed.Help)
{
    Console.WriteLine(FleetArguments.Usage);
    return 0;
}
if (parsed.Error is not null)
{
    Console.Error.WriteLine($"fleet: {parsed.Error}");
    return 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Stop everything the run started (processes, mounts, the cluster) instead of dying with them left behind.
    e.Cancel = true;
    interrupted.Cancel();
};

try
{
    var result = await new FleetRun(parsed.Options!, Console.Error).RunAsync(interrupted.Token);
    ReportWriter.Print(result.Report, result.Observations, result.Scale, Console.Out);
    if (parsed.Options!.MarkdownPath is { } markdown)
    {
        await File.WriteAllTextAsync(markdown, ReportWriter.Markdown(result.Report, result.Observations, result.Scale));
    }
    foreach (var violation in result.Report.Violations)
    {
        Console.Error.WriteLine($"violation [{violation.Check}] {violation.Message} (tasks: {string.Join(' ', violation.TaskIds)})");
    }
    return result.Report.Violations.Count == 0 ? 0 : 1;
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    Console.Error.WriteLine("fleet: interrupted; every process was stopped");
    return 2;
}
catch (Exception e)
{
    Console.Error.WriteLine($"fleet: the harness failed: {e}");
    return 2;
}

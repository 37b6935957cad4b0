using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Nightshift.Core.Configuration;
using Nightshift.Server.Hosting;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift worker</c>: claims and runs tasks from a shared store (PostgreSQL for many workers), no HTTP.</summary>
internal sealed class WorkerCommand : NightshiftCommand
{
    private readonly Option<string?> database = new("--db")
    {
        Description = "The store: a PostgreSQL URL or connection string, or a SQLite path (default: NIGHTSHIFT_DB, else <data>/nightshift.db)",
        HelpName = "CONN",
    };

    private readonly Option<int?> slots = new("--slots", "-s") { Description = "Tasks this worker runs at once (default 2)", HelpName = "N" };

    private readonly Option<int?> lease = new("--lease")
    {
        Description = "Seconds a claim lasts without a heartbeat (default 30); a crashed worker's tasks return to the queue after it",
        HelpName = "SECONDS",
    };

    private readonly Option<bool> verbose = new("--verbose", "-v") { Description = "Also show the web framework's informational log lines" };

    private readonly Option<string[]> allowRepo = AllowRepoOption.Create();

    public WorkerCommand(CommandContextFactory contexts) : base("worker", "Run a worker only (scale-out): claims tasks from the store and runs them", contexts)
    {
        Options.Add(database);
        Options.Add(slots);
        Options.Add(lease);
        Options.Add(verbose);
        Options.Add(allowRepo);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var count = parse.GetValue(slots) ?? 2;
        var leaseSeconds = parse.GetValue(lease) ?? 30;
        if (leaseSeconds is < 3 or > 3_600)
        {
            throw new UsageException($"--lease {leaseSeconds} is out of range: give 3 to 3600 seconds (heartbeats run every third of it)");
        }
        var options = new NightshiftServerOptions
        {
            DataDirectory = context.DataDirectory,
            Database = parse.GetValue(database) ?? context.Environment.GetVariable(NightshiftPaths.DatabaseVariable),
            WorkerSlots = count,
            LeaseDuration = TimeSpan.FromSeconds(leaseSeconds),
            ReclaimInterval = TimeSpan.FromSeconds(Math.Min(15, leaseSeconds)),
            RunWorker = true,
            WriteConsoleMessages = !context.Output.Json,
            AllowedRepositoryRoots = AllowRepoOption.Resolve(parse.GetValue(allowRepo)),
        };
        using var host = ServerLifetime.Build(() => NightshiftHost.BuildWorker(options, ServerLifetime.QuietFramework(parse.GetValue(verbose))));
        await ServerLifetime.StartAsync(host, cancellationToken);
        var where = string.IsNullOrWhiteSpace(options.Database) ? NightshiftPaths.DefaultDatabase(options.DataDirectory) : "the database NIGHTSHIFT_DB / --db names";
        if (context.Output.Json)
        {
            context.Output.WriteJsonLine(new { workerSlots = count, dataDirectory = options.DataDirectory, pid = Environment.ProcessId });
        }
        else
        {
            context.Output.Text($"worker running {count} slot(s) on {where}; stop with Ctrl-C (running tasks are given back to the queue)");
        }
        await host.WaitForShutdownAsync(cancellationToken);
        context.Output.Note("worker stopped");
        return ExitCodes.Ok;
    }
}

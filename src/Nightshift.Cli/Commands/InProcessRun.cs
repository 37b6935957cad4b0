using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nightshift.Cli.Api;
using Nightshift.Core.Errors;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Models.Selection;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Cli.Commands;

/// <summary>
/// One task run in this process, without a server: a worker with one slot on a store of its own (so it never takes
/// other tasks from a shared queue), the agent as executor, and the same live display as <c>submit --follow</c>.
/// Worktrees, mirrors and pull request records go to the data folder as usual.
/// </summary>
internal static class InProcessRun
{
    public static Task<int> RunAsync(CommandContext context, NewTask request, CancellationToken cancellationToken) =>
        RunAsync(context, request, replayDirectory: null, cancellationToken);

    /// <param name="replayDirectory">For this run only, the folder replay cassettes are read from (the demo's session).</param>
    public static async Task<int> RunAsync(CommandContext context, NewTask request, string? replayDirectory, CancellationToken cancellationToken)
    {
        var data = context.DataDirectory;
        var localRoot = LocalRepository(request.Repo);
        var options = new NightshiftServerOptions
        {
            DataDirectory = data,
            Database = Path.Combine(data, "runs", $"run-{context.Environment.Time.GetUtcNow():yyyyMMdd-HHmmss}-{Environment.ProcessId}.db"),
            WorkerSlots = 1,
            RunWorker = true,
            WriteConsoleMessages = false,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(options.Database)!);
        using var host = ServerLifetime.Build(() => NightshiftHost.BuildWorker(options, services =>
        {
            ServerLifetime.QuietFramework(verbose: false)(services);
            // The live display tells the story; only warnings from the engine belong beside it.
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            // This process ends with its one task, so a spare worktree made for the next task would only cost a
            // checkout's CPU and disk while the agent works, and be thrown away at exit.
            services.PostConfigure<WorkspaceOptions>(o => o.SpareWorktrees = 0);
            // Nobody can answer a question here (no server to send the answer to), so the agent is offered no `ask` tool.
            services.PostConfigure<Nightshift.Agent.Execution.AgentOptions>(o => o.MaxQuestions = 0);
            if (localRoot is not null)
            {
                // The path given on the command line is allowed for this run only.
                services.PostConfigure<RepositoryOptions>(o => o.AllowedRoots.Add(localRoot));
            }
            if (replayDirectory is not null)
            {
                services.PostConfigure<ModelOptions>(o => o.ReplayDirectory = replayDirectory);
            }
        }));

        var policy = host.Services.GetRequiredService<RepositoryPolicy>();
        try
        {
            policy.Resolve(request.Repo);
        }
        catch (RepositoryRefusedException e)
        {
            throw new UsageException(e.Message);
        }
        catch (Exception e) when (SettingsError.TryDescribe(e, out var message))
        {
            throw new StartFailedException(message, e);
        }

        await ServerLifetime.StartAsync(host, cancellationToken);
        try
        {
            var store = host.Services.GetRequiredService<INightshiftStore>();
            SubmitResult submitted;
            try
            {
                submitted = await store.SubmitAsync(request, cancellationToken);
            }
            catch (ValidationException e)
            {
                throw new UsageException(e.Message);
            }
            var id = submitted.Task.Id;
            context.Output.Note($"task {submitted.Task.ShortId} runs in this process (store: {options.Database})");
            return await TaskFollower.FollowAsync(
                context,
                Snapshot(submitted.Task),
                EventsAsync(store, id, cancellationToken),
                async ct => Snapshot(await store.FindAsync(id, ct) ?? throw new TaskNotFoundException(id)),
                cancellationToken);
        }
        finally
        {
            // On Ctrl-C the worker gives the task back with its checkpoint before the process exits.
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A local folder (working or bare repository) as an absolute path, or null for a URL.</summary>
    public static string? LocalRepository(string repo) =>
        repo.Contains("://", StringComparison.Ordinal) || repo.StartsWith("git@", StringComparison.Ordinal) || !Directory.Exists(repo)
            ? null
            : Path.GetFullPath(repo).TrimEnd('/');

    private static ApiTask Snapshot(TaskRecord task) => new(task, JsonSerializer.SerializeToElement(task, NightshiftJson.Options));

    private static async IAsyncEnumerable<ApiEvent> EventsAsync(IEventLog log, string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in log.FollowEventsAsync(id, 0, untilFinished: true, cancellationToken))
        {
            using var data = JsonDocument.Parse(e.Data);
            yield return new ApiEvent(e.Sequence, e.Type, e.Time, e.TaskId, data.RootElement.Clone());
        }
    }
}

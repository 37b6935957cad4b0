using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Execution;
using Nightshift.Core.Planning;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Agent.Tests.Dag;

/// <summary>
/// A real repository with a bare remote, a real task workspace and the real runner; the build agent is a test
/// function that edits files in the subtask's worktree. Every progress report is recorded in order.
/// </summary>
internal sealed class DagHarness : IDisposable
{
    private DagHarness(TempGitRepo repo, WorkspaceServices services, Workspace workspace, string data)
    {
        Repo = repo;
        Services = services;
        Workspace = workspace;
        Data = data;
    }

    public TempGitRepo Repo { get; }

    public WorkspaceServices Services { get; }

    public ISubtaskWorkspaces Subtasks => Services.Subtasks;

    public Workspace Workspace { get; }

    public string Data { get; }

    public string Mirror => Path.Combine(Data, "mirrors", Workspace.Repository.Key + ".git");

    public string SubtaskFolder => Path.Combine(Data, "worktrees", Workspace.TaskId + ".subtasks");

    public ConcurrentQueue<SubtaskResult> Progress { get; } = new();

    /// <summary>The work of every start report, in report order.</summary>
    public ConcurrentQueue<SubtaskWork> Started { get; } = new();

    /// <summary>Ids of the subtasks the build function was called for, in call order.</summary>
    public ConcurrentQueue<string> Built { get; } = new();

    public static async Task<DagHarness> CreateAsync(params (string Path, string Content)[] files)
    {
        var repo = TempGitRepo.Create();
        if (files.Length > 0)
        {
            repo.Commit("project files", files);
        }
        var data = repo.NewFolder("data");
        var services = new WorkspaceServices(
            new RepositoryPolicy(Options.Create(new RepositoryOptions { AllowedRoots = [repo.Root] })),
            // No spare worktrees: the harness never disposes the services, so a background checkout would still be writing
            // into the data folder when the test deletes it.
            Options.Create(new WorkspaceOptions { DataDirectory = data, SpareWorktrees = 0 }),
            TimeProvider.System,
            NullLogger<WorkspaceServices>.Instance);
        var workspace = await services.Tasks.PrepareAsync(new WorkspaceRequest("01dag" + Guid.NewGuid().ToString("N")[..20], repo.RemotePath, null, "dag task"), TestDefaults.TimeoutToken());
        return new DagHarness(repo, services, workspace, data);
    }

    public static Subtask Step(string id, params string[] dependsOn) => new(id, "Title of " + id, "Do " + id, dependsOn, 0, [], []);

    public static Plan Diamond() => new([Step("a"), Step("b", "a"), Step("c", "a"), Step("d", "b", "c")]);

    public DagRunner Runner(int maxParallelism = 2) => new(Subtasks, new DagOptions { MaxParallelism = maxParallelism }, NullLogger<DagRunner>.Instance);

    /// <summary>A request whose build function records the call and hands over to <paramref name="build"/>.</summary>
    public DagRequest Request(
        Plan plan,
        SubtaskBuilder build,
        Func<MergeConflict, CancellationToken, Task<bool>>? resolve = null,
        IReadOnlyDictionary<string, SubtaskResult>? finished = null,
        Action<SubtaskResult>? afterReport = null) =>
        new(
            Workspace,
            plan,
            finished ?? new Dictionary<string, SubtaskResult>(),
            async (work, token) =>
            {
                Built.Enqueue(work.Subtask.Id);
                return await build(work, token);
            },
            resolve ?? ((_, _) => Task.FromResult(false)),
            (work, _) =>
            {
                Started.Enqueue(work);
                return Task.CompletedTask;
            },
            (progress, _) =>
            {
                Progress.Enqueue(progress);
                afterReport?.Invoke(progress);
                return Task.CompletedTask;
            });

    /// <summary>Finished subtasks as a checkpoint would hold them: the Built, Completed and Reused reports so far, the latest per subtask.</summary>
    public Dictionary<string, SubtaskResult> FinishedSoFar()
    {
        var finished = new Dictionary<string, SubtaskResult>(StringComparer.Ordinal);
        foreach (var p in Progress)
        {
            switch (p.Status)
            {
                case SubtaskState.Built or SubtaskState.Completed:
                    finished[p.Id] = p;
                    break;
                case SubtaskState.Reused:
                    finished[p.Id] = p with { Status = SubtaskState.Completed };
                    break;
            }
        }
        return finished;
    }

    public IReadOnlyList<string> Reports(SubtaskState state) => state == SubtaskState.Started
        ? [.. Started.Select(w => w.Subtask.Id)]
        : [.. Progress.Where(p => p.Status == state).Select(p => p.Id)];

    /// <summary>A build function that writes one file named after the subtask.</summary>
    public static Task<SubtaskResult> WriteOwnFile(SubtaskWork work, CancellationToken cancellationToken)
    {
        File.WriteAllText(Path.Combine(work.Workspace.Path, work.Subtask.Id + ".txt"), $"from {work.Subtask.Id}\n");
        return Task.FromResult(SubtaskResult.Done(work, $"wrote {work.Subtask.Id}.txt"));
    }

    public string[] Parents(string commit) => GitCli.Run(Mirror, "rev-list", "--parents", "-n", "1", commit).Trim().Split(' ')[1..];

    public string Show(string commit, string path) => GitCli.Run(Mirror, "show", $"{commit}:{path}");

    public IReadOnlyList<string> Branches() =>
        GitCli.Run(Mirror, "for-each-ref", "--format=%(refname:short)", "refs/heads/").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose() => Repo.Dispose();
}

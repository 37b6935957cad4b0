using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Repositories;
using Nightshift.Workspaces.Subtasks;

namespace Nightshift.Workspaces.Tests;

/// <summary>A temp repository with a bare remote, a data folder, and workspace services allowed to use the repository's folder.</summary>
internal sealed class Harness : IDisposable
{
    private static int _counter;

    private readonly List<WorkspaceServices> _services = [];

    private Harness(TempGitRepo repo, Action<RepositoryOptions>? repositories, Action<WorkspaceOptions>? workspaces)
    {
        Repo = repo;
        Data = repo.NewFolder("data");
        RepositoryOptions = new RepositoryOptions { AllowedRoots = [repo.Root] };
        repositories?.Invoke(RepositoryOptions);
        Options = new WorkspaceOptions { DataDirectory = Data };
        workspaces?.Invoke(Options);
        Services = CreateServices();
        Collector = new WorkspaceCollector(Services, NullLogger<WorkspaceCollector>.Instance);
    }

    public TempGitRepo Repo { get; }

    public string Data { get; }

    // Starts at the real time because the collector compares it with real file times.
    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    public RepositoryOptions RepositoryOptions { get; }

    public WorkspaceOptions Options { get; }

    public WorkspaceServices Services { get; }

    public ITaskWorkspaces Tasks => Services.Tasks;

    public ISubtaskWorkspaces Subtasks => Services.Subtasks;

    public ListLogger<WorkspaceServices> Logger { get; } = new();

    public WorkspaceCollector Collector { get; }

    public static Harness Create(Action<RepositoryOptions>? repositories = null, Action<WorkspaceOptions>? workspaces = null) =>
        new(TempGitRepo.Create(), repositories, workspaces);

    public WorkspaceServices CreateServices()
    {
        var services = new WorkspaceServices(new RepositoryPolicy(Microsoft.Extensions.Options.Options.Create(RepositoryOptions)), Microsoft.Extensions.Options.Options.Create(Options), Clock, Logger);
        _services.Add(services);
        return services;
    }

    /// <summary>A fresh valid task id, unique within the test run.</summary>
    public static string NewTaskId() => $"01test{Interlocked.Increment(ref _counter):d4}{Guid.NewGuid():N}"[..26];

    public Task<Workspace> PrepareAsync(string? title = null, string? baseBranch = null, string? taskId = null, string? repository = null) =>
        Tasks.PrepareAsync(new WorkspaceRequest(taskId ?? NewTaskId(), repository ?? Repo.RemotePath, baseBranch, title), TestKit.TestDefaults.TimeoutToken());

    public string MirrorOf(Workspace workspace) => Path.Combine(Data, "mirrors", workspace.Repository.Key + ".git");

    public static long Inode(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return long.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits for the background spare jobs to settle (they start after every prepared workspace).</summary>
    public Task SparesSettledAsync() => Task.WhenAll(_services.Select(s => s.Pool.WhenSparesSettledAsync()));

    /// <summary>Spare folders of the repository (ready or not), and their markers.</summary>
    public IReadOnlyList<string> Spares(Workspace workspace) =>
        Directory.Exists(Path.Combine(Data, "spares", workspace.Repository.Key))
            ? [.. Directory.EnumerateFileSystemEntries(Path.Combine(Data, "spares", workspace.Repository.Key)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]
            : [];

    public void Dispose()
    {
        // Spare jobs are cancelled and awaited first, so no git is still writing when the temp folders go.
        foreach (var services in _services)
        {
            services.Dispose();
        }
        Repo.Dispose();
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.Tests;

/// <summary>A temp repository with a bare remote, a data folder, and a manager allowed to use the repository's folder.</summary>
internal sealed class Harness : IDisposable
{
    private static int _counter;

    private readonly List<WorkspaceManager> _managers = [];

    private Harness(TempGitRepo repo, Action<RepositoryOptions>? repositories, Action<WorkspaceOptions>? workspaces)
    {
        Repo = repo;
        Data = repo.NewFolder("data");
        RepositoryOptions = new RepositoryOptions { AllowedRoots = [repo.Root] };
        repositories?.Invoke(RepositoryOptions);
        Options = new WorkspaceOptions { DataDirectory = Data };
        workspaces?.Invoke(Options);
        Manager = CreateManager();
        Collector = new WorkspaceCollector(Manager, NullLogger<WorkspaceCollector>.Instance);
    }

    public TempGitRepo Repo { get; }

    public string Data { get; }

    // Starts at the real time because the collector compares it with real file times.
    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    public RepositoryOptions RepositoryOptions { get; }

    public WorkspaceOptions Options { get; }

    public WorkspaceManager Manager { get; }

    public ListLogger<WorkspaceManager> Logger { get; } = new();

    public WorkspaceCollector Collector { get; }

    public static Harness Create(Action<RepositoryOptions>? repositories = null, Action<WorkspaceOptions>? workspaces = null) =>
        new(TempGitRepo.Create(), repositories, workspaces);

    public WorkspaceManager CreateManager()
    {
        var manager = new WorkspaceManager(new RepositoryPolicy(Microsoft.Extensions.Options.Options.Create(RepositoryOptions)), Microsoft.Extensions.Options.Options.Create(Options), Clock, Logger);
        _managers.Add(manager);
        return manager;
    }

    /// <summary>A fresh valid task id, unique within the test run.</summary>
    public static string NewTaskId() => $"01test{Interlocked.Increment(ref _counter):d4}{Guid.NewGuid():N}"[..26];

    public Task<Workspace> PrepareAsync(string? title = null, string? baseBranch = null, string? taskId = null, string? repository = null) =>
        Manager.PrepareAsync(new WorkspaceRequest(taskId ?? NewTaskId(), repository ?? Repo.RemotePath, baseBranch, title), TestKit.TestDefaults.TimeoutToken());

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
    public Task SparesSettledAsync() => Task.WhenAll(_managers.Select(m => m.WhenSparesSettledAsync()));

    /// <summary>Spare folders of the repository (ready or not), and their markers.</summary>
    public IReadOnlyList<string> Spares(Workspace workspace) =>
        Directory.Exists(Path.Combine(Data, "spares", workspace.Repository.Key))
            ? [.. Directory.EnumerateFileSystemEntries(Path.Combine(Data, "spares", workspace.Repository.Key)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]
            : [];

    public void Dispose()
    {
        // Spare jobs are cancelled and awaited first, so no git is still writing when the temp folders go.
        foreach (var manager in _managers)
        {
            manager.Dispose();
        }
        Repo.Dispose();
    }
}

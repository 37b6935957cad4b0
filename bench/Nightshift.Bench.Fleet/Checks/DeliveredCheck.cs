using Nightshift.Agent.Configuration;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Core.Tasks;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// <c>delivered</c>: each succeeded task has exactly one branch in its remote (counting every branch whose name carries
/// the task's short id, as Nightshift names task branches <c>nightshift/&lt;last 8 of the id&gt;-&lt;slug&gt;</c>) and it
/// is the branch the store names; exactly one pull request row; every subtask's file <c>ftNNNN-X.txt</c> on that branch
/// with first line <c>ftNNNN-X</c>; and the branch passes its repository's test command (<c>.nightshift.yml</c>
/// <c>test:</c>, run with <c>sh -c</c> in a fresh checkout of the branch). A succeeded task without its branch or pull
/// request is lost; one with two branches or pull requests is duplicated. A task that needs review has at most one
/// pull request (its change, delivered for review); any other task that did not succeed has none.
/// </summary>
public sealed class DeliveredCheck(IReadOnlyDictionary<string, string> remotes, string scratch)
{
    private static readonly TimeSpan TestLimit = TimeSpan.FromMinutes(2);
    private readonly Dictionary<string, IReadOnlyList<string>> _branches = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<Finding>> RunAsync(IReadOnlyList<FleetTask> tasks, StoreSnapshot store, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        foreach (var task in tasks)
        {
            if (!store.Tasks.TryGetValue(task.Id, out var stored))
            {
                continue;
            }
            var pullRequests = store.PullRequests.Where(p => p.TaskId == task.Id || stored.Branch is not null && p.Branch == stored.Branch).ToList();
            if (stored.Status != "succeeded")
            {
                // A task that needs review delivers its change for review (a pull request saying why); at most one.
                var allowed = stored.Status == "needs_review" ? 1 : 0;
                if (pullRequests.Count > allowed)
                {
                    findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)} ended {stored.Status} but has a pull request ({pullRequests[0].Reference})", task.Id));
                }
                continue;
            }
            findings.AddRange(await CheckSucceededAsync(task, stored, pullRequests, cancellationToken));
        }
        return findings;
    }

    /// <summary>The short id Nightshift puts in a task's branch name: the id's last 8 characters, lower case.</summary>
    public static string ShortId(string taskId) => TaskId.Short(taskId).ToLowerInvariant();

    private async Task<IReadOnlyList<Finding>> CheckSucceededAsync(FleetTask task, StoredTask stored, List<StoredPullRequest> pullRequests, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        if (pullRequests.Count == 0)
        {
            findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)} succeeded without a pull request", task.Id, Harm.Lost));
        }
        else if (pullRequests.Count > 1)
        {
            findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)} has {pullRequests.Count} pull requests: {string.Join(", ", pullRequests.Select(p => p.Reference))}", task.Id, Harm.Duplicated));
        }
        if (!remotes.TryGetValue(task.Spec.Repository, out var remotePath))
        {
            findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)}: the harness knows no remote for its repository {task.Spec.Repository}", task.Id, Harm.Lost));
            return findings;
        }
        var remote = new GitRemote(remotePath);
        var shortId = ShortId(task.Id);
        var branches = (await BranchesAsync(remote, cancellationToken))
            .Where(b => b == stored.Branch || b.Contains(shortId, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (branches.Count > 1)
        {
            findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)} has {branches.Count} branches in its remote: {string.Join(", ", branches)}", task.Id, Harm.Duplicated));
        }
        if (stored.Branch is null || !branches.Contains(stored.Branch))
        {
            var named = stored.Branch is null ? "the store names no branch" : $"its branch {stored.Branch} is not in the remote";
            findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)} succeeded but {named}", task.Id, Harm.Lost));
            return findings;
        }
        foreach (var subtask in task.Spec.Subtasks)
        {
            var expected = $"{task.Spec.Marker}-{subtask.Id}";
            var content = await remote.ReadAsync(stored.Branch, expected + ".txt", cancellationToken);
            var first = content?.Split('\n')[0].TrimEnd('\r');
            if (first != expected)
            {
                var found = content is null ? "it is missing" : $"its first line is '{first}'";
                findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)}: {expected}.txt on {stored.Branch} should start with '{expected}' but {found}", task.Id));
            }
        }
        if (await TestProblemAsync(remote, stored.Branch, cancellationToken) is { } problem)
        {
            findings.Add(new Finding(CheckNames.Delivered, $"{Name(task)}: its branch {stored.Branch} fails its tests: {problem}", task.Id));
        }
        return findings;
    }

    /// <summary>Runs the branch's test commands in a fresh checkout; null when they pass (or there are none).</summary>
    private async Task<string?> TestProblemAsync(GitRemote remote, string branch, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratch);
        var folder = await remote.CheckoutAsync(branch, scratch, cancellationToken);
        try
        {
            var yaml = Path.Combine(folder, RepoConfigParser.FileName);
            RepoConfig config;
            try
            {
                config = File.Exists(yaml) ? RepoConfigParser.Parse(await File.ReadAllTextAsync(yaml, cancellationToken)) : RepoConfig.Empty;
            }
            catch (RepoConfigException e)
            {
                return $"its {RepoConfigParser.FileName} cannot be read: {e.Message}";
            }
            foreach (var command in config.Test)
            {
                var (code, output, error) = await ShellCommand.ShAsync(command, folder, TestLimit, cancellationToken);
                if (code != 0)
                {
                    return $"'{command}' exited {code}: {Tail(error.Length > 0 ? error : output)}";
                }
            }
            return null;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<IReadOnlyList<string>> BranchesAsync(GitRemote remote, CancellationToken cancellationToken)
    {
        if (!_branches.TryGetValue(remote.Path, out var branches))
        {
            _branches[remote.Path] = branches = await remote.BranchesAsync(cancellationToken);
        }
        return branches;
    }

    private static string Tail(string text)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" | ");
        return trimmed.Length <= 300 ? trimmed : "…" + trimmed[^300..];
    }

    private static string Name(FleetTask task) => $"{task.Spec.Marker} ({task.Id})";
}

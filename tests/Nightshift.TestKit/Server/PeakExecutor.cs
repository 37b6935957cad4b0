using System.Collections.Concurrent;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;

namespace Nightshift.TestKit.Server;

/// <summary>
/// Holds every attempt until the test lets one go (<see cref="ReleaseOne"/>), and records the most attempts that ran at
/// once, overall and per repository: what the queue's caps must bound.
/// </summary>
public sealed class PeakExecutor : ITaskExecutor
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _release = new(0);
    private readonly Dictionary<string, int> _runningByRepo = [];
    private int _running;

    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    public int Peak { get; private set; }

    public ConcurrentDictionary<string, int> PeakByRepo { get; } = new();

    public void ReleaseOne() => _release.Release();

    public async Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken)
    {
        var repo = run.Task.Repo;
        lock (_gate)
        {
            _running++;
            Peak = Math.Max(Peak, _running);
            _runningByRepo[repo] = _runningByRepo.GetValueOrDefault(repo) + 1;
            PeakByRepo.AddOrUpdate(repo, _runningByRepo[repo], (_, old) => Math.Max(old, _runningByRepo[repo]));
        }
        try
        {
            await run.EmitAsync("test.waiting", NightshiftJson.Payload(new { attempt = run.Attempt }), cancellationToken);
            await _release.WaitAsync(cancellationToken);
            return TaskOutcome.Succeeded();
        }
        finally
        {
            lock (_gate)
            {
                _running--;
                _runningByRepo[repo]--;
            }
        }
    }
}

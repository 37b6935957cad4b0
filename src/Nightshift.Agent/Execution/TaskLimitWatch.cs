using System.Collections.Concurrent;
using Nightshift.Agent.Configuration;
using Nightshift.Core.Tasks;
using Nightshift.Sandbox;

namespace Nightshift.Agent.Execution;

/// <summary>
/// Holds one attempt to the repository's <c>limits: task:</c>. Its <see cref="Token"/> (the attempt's token, linked)
/// is what the phases run on: it fires when the attempt's wall clock passes <c>task.timeout</c> (a timer from the
/// attempt's start), or after a command that brought the sum of the commands' CPU time past <c>task.cpu_seconds</c>, or
/// the worktree and cache past <c>task.disk</c>; <see cref="Breach"/> then says which, and in what phase. The disk is
/// walked after a command only when <see cref="DiskCheckInterval"/> has passed since the last walk, and never sooner
/// than <see cref="DiskWalkSpacing"/> times the last walk's own duration after it, so a run of quick commands costs one
/// walk, not one each, and walking a huge tree takes at most a twentieth of the task's time.
/// </summary>
internal sealed class TaskLimitWatch : IDisposable
{
    /// <summary>The least time between two walks of the worktree and cache.</summary>
    public static readonly TimeSpan DiskCheckInterval = TimeSpan.FromSeconds(10);

    /// <summary>The next walk waits at least this many times as long as the last one took.</summary>
    public const int DiskWalkSpacing = 20;

    private readonly CancellationTokenSource _stop;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Func<TaskPhase> _phase;
    private readonly ConcurrentDictionary<string, byte> _folders = new(StringComparer.Ordinal);
    private readonly Lock _diskGate = new();
    private RepoTaskLimits _limits = RepoTaskLimits.Unstated;
    private ITimer? _timer;
    private long _cpuTicks;
    private long? _lastDiskCheck;
    private TimeSpan _lastWalk;
    private TaskLimitBreach? _breach;

    public TaskLimitWatch(TimeProvider time, long startedTimestamp, Func<TaskPhase> phase, CancellationToken attemptToken)
    {
        _time = time;
        _started = startedTimestamp;
        _phase = phase;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(attemptToken);
        Token = _stop.Token;
    }

    /// <summary>The attempt's token, also cancelled when a task limit is passed.</summary>
    public CancellationToken Token { get; }

    /// <summary>The limit that stopped the attempt, once one did.</summary>
    public TaskLimitBreach? Breach => Volatile.Read(ref _breach);

    /// <summary>CPU time of the attempt's commands so far, where the sandbox measures it.</summary>
    public TimeSpan CpuTime => TimeSpan.FromTicks(Interlocked.Read(ref _cpuTicks));

    /// <summary>Starts holding the attempt to <paramref name="limits"/> (known once .nightshift.yml is read); the time limit counts from the attempt's start.</summary>
    /// <param name="stepTimeout">a pipeline step's own timeout; when shorter than the repository's, it is the one that stops the attempt (as <c>step.timeout</c>).</param>
    public void Apply(RepoTaskLimits limits, TimeSpan? stepTimeout = null)
    {
        _limits = limits;
        var (limit, timeout) = stepTimeout is { } step && (limits.Timeout is not { } repo || step < repo)
            ? (TaskLimitBreach.StepTimeout, (TimeSpan?)step)
            : (TaskLimitBreach.Timeout, limits.Timeout);
        if (timeout is { } bound)
        {
            var left = bound - _time.GetElapsedTime(_started);
            var seconds = (long)bound.TotalSeconds;
            _timer?.Dispose();
            _timer = _time.CreateTimer(_ => Trip(limit, seconds, seconds), null, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Counts a finished command of the attempt (run on <paramref name="worktree"/> with <paramref name="cache"/>) against
    /// the CPU and disk limits; when it took the attempt past one, the token fires before the next command.
    /// </summary>
    public void Record(CommandResult result, string worktree, string? cache)
    {
        ArgumentNullException.ThrowIfNull(result);
        var cpu = TimeSpan.FromTicks(Interlocked.Add(ref _cpuTicks, (result.CpuTime ?? TimeSpan.Zero).Ticks));
        if (_limits.CpuSeconds is { } cpuLimit && cpu.TotalSeconds > cpuLimit)
        {
            Trip(TaskLimitBreach.CpuSeconds, cpuLimit, (long)Math.Ceiling(cpu.TotalSeconds));
        }
        _folders.TryAdd(worktree, 0);
        if (cache is not null)
        {
            _folders.TryAdd(cache, 0);
        }
        if (_limits.DiskBytes is { } diskLimit && DiskCheckDue())
        {
            var walking = _time.GetTimestamp();
            var used = _folders.Keys.Sum(folder => DiskUsage.Of(folder, Token));
            lock (_diskGate)
            {
                _lastWalk = _time.GetElapsedTime(walking);
            }
            if (used > diskLimit)
            {
                Trip(TaskLimitBreach.Disk, diskLimit, used);
            }
        }
    }

    private bool DiskCheckDue()
    {
        lock (_diskGate)
        {
            var now = _time.GetTimestamp();
            var spacing = _lastWalk * DiskWalkSpacing > DiskCheckInterval ? _lastWalk * DiskWalkSpacing : DiskCheckInterval;
            if (_lastDiskCheck is { } last && _time.GetElapsedTime(last, now) < spacing)
            {
                return false;
            }
            _lastDiskCheck = now;
            return true;
        }
    }

    private void Trip(string limit, long allowed, long used)
    {
        if (Token.IsCancellationRequested && _breach is null)
        {
            // The attempt was already stopped (cancelled, shut down): that stop is what ended it.
            return;
        }
        if (Interlocked.CompareExchange(ref _breach, new TaskLimitBreach(limit, allowed, used, _phase().ToWire()), null) is null)
        {
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended while the timer fired.
            }
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stop.Dispose();
    }
}

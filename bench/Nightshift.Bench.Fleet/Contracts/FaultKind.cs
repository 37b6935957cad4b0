namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>The faults the harness injects on its seeded schedule (each can be switched off).</summary>
public enum FaultKind
{
    /// <summary>SIGKILL a worker (no shutdown code runs); a replacement starts on the same data folder.</summary>
    WorkerKill,

    /// <summary>SIGTERM a worker: it drains (gives its tasks back) and exits; a replacement starts.</summary>
    WorkerTerm,

    /// <summary>SIGSTOP a worker past its lease, then SIGCONT it: the fenced zombie.</summary>
    WorkerPause,

    /// <summary>Restart PostgreSQL with <c>pg_ctl -m fast</c>.</summary>
    PostgresFast,

    /// <summary>Restart PostgreSQL with <c>pg_ctl -m immediate</c> (crash recovery on start).</summary>
    PostgresImmediate,

    /// <summary>The model server answers 429 and 500 for a while.</summary>
    ModelErrors,

    /// <summary>The model server stops answering (requests hang) for a while.</summary>
    ModelHang,

    /// <summary>A worker's data folder (a size-limited tmpfs) is filled for a while. Needs root and mount; skipped (and said) otherwise.</summary>
    DiskFill,
}

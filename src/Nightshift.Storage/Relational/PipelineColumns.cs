using System.Data.Common;
using System.Text.Json;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;

namespace Nightshift.Storage.Relational;

/// <summary>The columns of the pipeline tables in fixed orders, and how their rows become records.</summary>
internal static class PipelineColumns
{
    public const string Pipeline = "id, org_id, name, yaml, schedule, time_zone, next_run_at, created_by, created_at, updated_at";

    /// <summary>Everything a person may see of a run; the lease token and expiry follow at <see cref="RunLeaseOrdinal"/>.</summary>
    public const string Run =
        "id, org_id, pipeline, pipeline_id, yaml, repo, base_branch, branch, inputs, state, trigger, created_by, reason, " +
        "pull_request, cancel_requested, created_at, updated_at, started_at, finished_at, lease_owner";

    public const string RunWithLease = Run + ", lease_token, lease_expires_at";

    public const int RunLeaseOrdinal = 20;

    public const string Step = "run_id, name, state, task_id, output, reason, decided_by, decided_at, started_at, finished_at";

    public const string Event = "run_id, seq, type, data, created_at";

    public static PipelineRecord ReadPipeline(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        OrgId = r.GetString(1),
        Name = r.GetString(2),
        Yaml = r.GetString(3),
        Schedule = Text(r, 4),
        TimeZone = Text(r, 5),
        NextRunAt = OptionalTime(r, 6),
        CreatedBy = Text(r, 7),
        CreatedAt = TaskColumns.Time(r.GetInt64(8)),
        UpdatedAt = TaskColumns.Time(r.GetInt64(9)),
    };

    public static RunRecord ReadRun(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        OrgId = r.GetString(1),
        Pipeline = r.GetString(2),
        PipelineId = Text(r, 3),
        Yaml = Text(r, 4),
        Repo = r.GetString(5),
        BaseBranch = Text(r, 6),
        Branch = r.GetString(7),
        Inputs = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(8), NightshiftJson.Options) ?? [],
        State = PipelineStates.ParseRunState(r.GetString(9))
            ?? throw new InvalidOperationException($"run {r.GetString(0)} has the unknown state '{r.GetString(9)}'"),
        Trigger = r.GetString(10),
        CreatedBy = Text(r, 11),
        Reason = Text(r, 12),
        PullRequest = Text(r, 13),
        CancelRequested = TaskColumns.Bool(r, 14),
        CreatedAt = TaskColumns.Time(r.GetInt64(15)),
        UpdatedAt = TaskColumns.Time(r.GetInt64(16)),
        StartedAt = OptionalTime(r, 17),
        FinishedAt = OptionalTime(r, 18),
        LeaseOwner = Text(r, 19),
    };

    /// <summary>A run read with <see cref="RunWithLease"/>, and its lease token and expiry (null when free).</summary>
    public static (RunRecord Run, string? Token, DateTimeOffset? ExpiresAt) ReadRunWithLease(DbDataReader r) =>
        (ReadRun(r), Text(r, RunLeaseOrdinal), OptionalTime(r, RunLeaseOrdinal + 1));

    public static RunStepRecord ReadStep(DbDataReader r) => new()
    {
        RunId = r.GetString(0),
        Name = r.GetString(1),
        State = PipelineStates.ParseStepState(r.GetString(2))
            ?? throw new InvalidOperationException($"step {r.GetString(1)} of run {r.GetString(0)} has the unknown state '{r.GetString(2)}'"),
        TaskId = Text(r, 3),
        Output = Text(r, 4),
        Reason = Text(r, 5),
        DecidedBy = Text(r, 6),
        DecidedAt = OptionalTime(r, 7),
        StartedAt = OptionalTime(r, 8),
        FinishedAt = OptionalTime(r, 9),
    };

    public static RunEvent ReadEvent(DbDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), TaskColumns.Time(r.GetInt64(4)));

    public static long? Ms(DateTimeOffset? time) => time is { } t ? TaskColumns.Ms(t) : null;

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? OptionalTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : TaskColumns.Time(r.GetInt64(i));
}

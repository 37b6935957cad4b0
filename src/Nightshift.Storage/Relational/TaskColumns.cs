using System.Data.Common;
using System.Text.Json;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Storage.Relational;

/// <summary>The task columns in one fixed order, and how a row of them becomes a <see cref="TaskRow"/>.</summary>
internal static class TaskColumns
{
    /// <summary>Everything but the checkpoint, which can be large and is read only by claims.</summary>
    public const string List =
        "id, repo, instruction, title, base_branch, model, priority, require_plan_approval, idempotency_key, source, " +
        "status, phase, attempts, max_attempts, created_at, updated_at, run_after, started_at, finished_at, branch, " +
        "pull_request, plan, input_tokens, output_tokens, cached_tokens, cost_usd, calls, unpriced_calls, last_error, " +
        "cancel_requested, lease_token, lease_owner, lease_expires_at, origin, follow_up_of, org_id, run_step";

    public const string WithCheckpoint = List + ", checkpoint";

    /// <summary>The ordinal just after <see cref="List"/>: the checkpoint, or whatever a query adds.</summary>
    public const int NextOrdinal = 37;

    public static TaskRow Read(DbDataReader r) => Read(r, withCheckpoint: false);

    public static TaskRow ReadWithCheckpoint(DbDataReader r) => Read(r, withCheckpoint: true);

    private static TaskRow Read(DbDataReader r, bool withCheckpoint)
    {
        var record = new TaskRecord
        {
            Id = r.GetString(0),
            Repo = r.GetString(1),
            Instruction = r.GetString(2),
            Title = r.GetString(3),
            BaseBranch = Text(r, 4),
            Model = Text(r, 5),
            Priority = (int)r.GetInt64(6),
            RequirePlanApproval = Bool(r, 7),
            IdempotencyKey = Text(r, 8),
            Source = r.GetString(9),
            Status = TaskStateNames.ParseStatus(r.GetString(10)),
            Phase = TaskStateNames.ParsePhase(r.GetString(11)),
            Attempts = (int)r.GetInt64(12),
            MaxAttempts = (int)r.GetInt64(13),
            CreatedAt = Time(r.GetInt64(14)),
            UpdatedAt = Time(r.GetInt64(15)),
            RunAfter = Time(r.GetInt64(16)),
            StartedAt = OptionalTime(r, 17),
            FinishedAt = OptionalTime(r, 18),
            Branch = Text(r, 19),
            PullRequest = Text(r, 20),
            Plan = Text(r, 21),
            Usage = new UsageTotals(r.GetInt64(22), r.GetInt64(23), r.GetInt64(24), r.GetDecimal(25), (int)r.GetInt64(26), (int)r.GetInt64(27)),
            LastError = Text(r, 28),
            CancelRequested = Bool(r, 29),
            LeaseOwner = Text(r, 31),
            LeaseExpiresAt = OptionalTime(r, 32),
            Origin = Text(r, 33) is { } origin ? JsonSerializer.Deserialize<TaskOrigin>(origin, NightshiftJson.Options) : null,
            FollowUpOf = Text(r, 34),
            OrgId = r.GetString(35),
            RunStep = Text(r, 36) is { } runStep ? JsonSerializer.Deserialize<RunStepTask>(runStep, NightshiftJson.Options) : null,
        };
        var checkpoint = withCheckpoint ? Text(r, NextOrdinal) : null;
        return new TaskRow(record, Text(r, 30), checkpoint);
    }

    public static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? OptionalTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));

    internal static bool Bool(DbDataReader r, int i) => r.GetValue(i) switch
    {
        bool b => b,
        long l => l != 0,
        var other => Convert.ToBoolean(other, System.Globalization.CultureInfo.InvariantCulture),
    };
}

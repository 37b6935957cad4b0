using System.Text;
using Nightshift.Core.Events;
using Nightshift.Storage.Relational;

namespace Nightshift.Storage.Postgres;

/// <summary>
/// Builds the one statement of a chained write: data-modifying WITH clauses pass each UPDATE's RETURNING rows on to
/// the INSERT of its event (and the finish's success on to the claim), so the fence, the state change, the events and
/// the claim commit together, in one round trip, or not at all.
/// </summary>
internal static class PostgresChainedWrite
{
    public const int PartOrdinal = TaskColumns.NextOrdinal + 1;
    public const int FinishedPart = 1;
    public const int ClaimedPart = 2;

    public static (string Sql, List<(string Name, object? Value)> Args) Build(ChainedFinish? finish, ChainedClaim? claim, long nowMs)
    {
        var args = new List<(string Name, object? Value)> { ("now", nowMs) };
        var ctes = new List<string>();
        var results = new List<string>();
        if (finish is not null)
        {
            var done = new StringBuilder("done AS (UPDATE tasks SET ");
            SetClause.Append(done, args, finish.Changes, "f");
            done.Append("updated_at = @now, last_seq = last_seq + 1 ")
                .Append("WHERE id = @id AND status = 'running' AND lease_token = @token AND lease_expires_at > @now AND attempts = @attempt ")
                .Append("RETURNING ").Append(TaskColumns.List).Append(", last_seq)");
            ctes.Add(done.ToString());
            ctes.Add("done_event AS (INSERT INTO events (task_id, seq, time, type, data) SELECT id, last_seq, @now, @doneType, @doneData FROM done)");
            args.AddRange([("id", finish.TaskId), ("token", finish.Token), ("attempt", (long)finish.Attempt), ("doneType", finish.EventType), ("doneData", finish.Payload)]);
            results.Add($"SELECT {TaskColumns.List}, NULL::text, {FinishedPart} FROM done");
        }
        if (claim is not null)
        {
            // A refused finish must not claim: the pick sees the finish's result rows, which are none then.
            var onlyIfDone = finish is null ? "" : " AND EXISTS (SELECT 1 FROM done)";
            // Follow-ups are left to the general claim, which checks that none of their branch's tasks runs; so is
            // every claim while any organisation has a concurrency quota, which only the general claim counts exactly.
            ctes.Add(
                $"pick AS (SELECT id AS pick_id FROM tasks WHERE status = 'queued' AND run_after <= @now AND follow_up_of IS NULL{onlyIfDone} " +
                "AND NOT EXISTS (SELECT 1 FROM orgs WHERE max_running IS NOT NULL OR max_running_per_repo IS NOT NULL) " +
                "ORDER BY priority DESC, num LIMIT 1 FOR UPDATE SKIP LOCKED)");
            var claimed = new StringBuilder("claimed AS (UPDATE tasks SET ");
            SetClause.Append(claimed, args, claim.Changes, "n");
            claimed.Append("updated_at = @now, last_seq = last_seq + 1 FROM pick WHERE id = pick_id RETURNING ")
                .Append(TaskColumns.WithCheckpoint).Append(", last_seq)");
            ctes.Add(claimed.ToString());
            ctes.Add(
                "claimed_event AS (INSERT INTO events (task_id, seq, time, type, data) " +
                $"SELECT id, last_seq, @now, '{EventTypes.TaskStarted}', '{{\"attempt\":' || attempts || ',' || @startedTail FROM claimed)");
            args.Add(("startedTail", claim.StartedPayloadTail));
            results.Add($"SELECT {TaskColumns.WithCheckpoint}, {ClaimedPart} FROM claimed");
        }
        return ($"WITH {string.Join(", ", ctes)} {string.Join(" UNION ALL ", results)}", args);
    }
}

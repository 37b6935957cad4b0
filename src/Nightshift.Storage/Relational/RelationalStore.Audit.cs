using System.Data.Common;
using System.Text;
using Nightshift.Storage.Teams;

namespace Nightshift.Storage.Relational;

// The audit log (IAuditStore): append and read. The database refuses UPDATE and DELETE on it (migration 12's triggers).
internal abstract partial class RelationalStore
{
    private const string AuditColumns = "number, org_id, at, actor_id, actor_name, token_id, action, target, outcome, address, detail";

    public async Task<AuditEntry> AppendAuditAsync(NewAuditEntry entry, CancellationToken cancellationToken = default)
    {
        TeamChecks.Audit(entry);
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false);
        var appended = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO audit_log (org_id, at, actor_id, actor_name, token_id, action, target, outcome, address, detail)
            VALUES (@org, @at, @actor, @actorName, @token, @action, @target, @outcome, @address, @detail)
            RETURNING {AuditColumns}
            """,
            [
                ("org", entry.OrgId), ("at", NowMs()), ("actor", entry.ActorId), ("actorName", entry.ActorName.Trim()), ("token", entry.TokenId),
                ("action", entry.Action), ("target", entry.Target), ("outcome", (long)entry.Outcome), ("address", entry.Address),
                ("detail", entry.Detail),
            ],
            ReadAudit,
            cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("an audit line was written and not returned");
        await CommitAsync(scope).ConfigureAwait(false);
        return appended;
    }

    public async Task<AuditPage> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        TeamChecks.AuditQuery(query);
        var where = new List<string>();
        var args = new List<(string Name, object? Value)> { ("limit", (long)query.Limit + 1) };
        void Add(string condition, string name, object value)
        {
            where.Add(condition);
            args.Add((name, value));
        }
        if (query.OrgId is not null)
        {
            Add("org_id = @org", "org", query.OrgId);
        }
        if (query.Since is { } since)
        {
            Add("at >= @since", "since", TaskColumns.Ms(since));
        }
        if (query.Until is { } until)
        {
            Add("at < @until", "until", TaskColumns.Ms(until));
        }
        if (query.Action is not null)
        {
            Add("action = @action", "action", query.Action);
        }
        if (query.ActorId is not null)
        {
            Add("actor_id = @actor", "actor", query.ActorId);
        }
        if (query.Target is not null)
        {
            Add("target = @target", "target", query.Target);
        }
        if (query.Before is { } before)
        {
            Add("number < @before", "before", before);
        }
        var sql = new StringBuilder($"SELECT {AuditColumns} FROM audit_log");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", where));
        }
        sql.Append(" ORDER BY number DESC LIMIT @limit");
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await new DbSession(connection, null).QueryAsync(sql.ToString(), args, ReadAudit, cancellationToken).ConfigureAwait(false);
        var more = rows.Count > query.Limit;
        var page = more ? rows.GetRange(0, query.Limit) : rows;
        return new AuditPage(page, more ? page[^1].Number : null);
    }

    private static AuditEntry ReadAudit(DbDataReader r) => new(
        Number: r.GetInt64(0),
        OrgId: r.GetString(1),
        At: TaskColumns.Time(r.GetInt64(2)),
        ActorId: r.GetString(3),
        ActorName: r.GetString(4),
        TokenId: r.IsDBNull(5) ? null : r.GetString(5),
        Action: r.GetString(6),
        Target: r.IsDBNull(7) ? null : r.GetString(7),
        Outcome: (int)r.GetInt64(8),
        Address: r.IsDBNull(9) ? null : r.GetString(9),
        Detail: r.IsDBNull(10) ? null : r.GetString(10));
}

using System.Data.Common;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Commands;

namespace Nightshift.Storage.Relational;

// The command audit trail (ICommandAuditStore): one row per command a task ran in a jail, numbered per task.
internal abstract partial class RelationalStore
{
    /// <summary>Longest working folder kept (relative to the worktree); a deeper one is cut with a marker.</summary>
    internal const int MaxCommandFolderChars = 1_000;

    /// <summary>Longest host name and proxy reason kept in a host row.</summary>
    internal const int MaxCommandHostChars = 253;

    internal const int MaxCommandReasonChars = 500;

    private const string CommandColumns =
        "task_id, seq, attempt, subtask, phase, command, working_directory, network, exit_code, signal, limit_hit, started_at, " +
        "duration_ms, stdout_bytes, stderr_bytes, hosts";

    public async Task<TaskCommand> RecordCommandAsync(Lease lease, CommandAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(entry);
        var bounded = BoundCommand(entry);
        var now = Now();
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // Numbered under the task row's lock in the same transaction as the lease check: two commands of one attempt
        // recorded at once get two numbers, and an attempt that lost the task writes nothing.
        var row = await LockLeaseAsync(scope, lease, now, cancellationToken).ConfigureAwait(false);
        // The nullable values are cast: in INSERT … SELECT, PostgreSQL would otherwise take an untyped null for text.
        var stored = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO task_commands (
                task_id, seq, attempt, subtask, phase, command, working_directory, network, exit_code, signal, limit_hit,
                started_at, duration_ms, stdout_bytes, stderr_bytes, network_allowed, network_denied, hosts)
            SELECT @id, COALESCE(MAX(seq), 0) + 1, @attempt, CAST(@subtask AS TEXT), @phase, @command, @folder, @network, @exit, CAST(@signal AS BIGINT), CAST(@limit AS TEXT),
                @started, @duration, @stdout, @stderr, @allowed, @denied, @hosts
            FROM task_commands WHERE task_id = @id
            RETURNING {CommandColumns}
            """,
            [
                ("id", row.Id), ("attempt", (long)row.Record.Attempts), ("subtask", bounded.Subtask), ("phase", bounded.Phase),
                ("command", bounded.Command), ("folder", bounded.WorkingDirectory), ("network", bounded.Network),
                ("exit", (long)bounded.ExitCode), ("signal", bounded.Signal is { } signal ? (long)signal : null), ("limit", bounded.Limit),
                ("started", TaskColumns.Ms(bounded.StartedAt)), ("duration", (long)bounded.Duration.TotalMilliseconds),
                ("stdout", bounded.StdoutBytes), ("stderr", bounded.StderrBytes), ("allowed", (long)bounded.NetworkAllowed),
                ("denied", (long)bounded.NetworkDenied), ("hosts", JsonSerializer.Serialize(bounded.Hosts, NightshiftJson.Options)),
            ],
            ReadCommand,
            cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"a command of task {row.Id} was recorded and not returned");
        await CommitAsync(scope).ConfigureAwait(false);
        return stored;
    }

    public async Task<TaskCommandPage> ListCommandsAsync(string taskId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > TaskCommandPage.MaxLimit)
        {
            throw new ValidationException("limit", $"must be between 1 and {TaskCommandPage.MaxLimit}; page through the rest with 'after'");
        }
        if (afterSeq < 0)
        {
            throw new ValidationException("after", "cannot be negative; give 0 (or nothing) for the first page, then the page's 'next'");
        }
        if (!TaskId.LooksValid(taskId))
        {
            return new TaskCommandPage([], null);
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await new DbSession(connection, null).QueryAsync(
            $"SELECT {CommandColumns} FROM task_commands WHERE task_id = @id AND seq > @after ORDER BY seq LIMIT @limit",
            [("id", taskId), ("after", afterSeq), ("limit", (long)limit + 1)],
            ReadCommand,
            cancellationToken).ConfigureAwait(false);
        var more = rows.Count > limit;
        var page = more ? rows.GetRange(0, limit) : rows;
        return new TaskCommandPage(page, more ? page[^1].Seq : null);
    }

    public async Task<TaskCommandTotals> CommandTotalsAsync(string taskId, CancellationToken cancellationToken = default)
    {
        if (!TaskId.LooksValid(taskId))
        {
            return TaskCommandTotals.None;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var session = new DbSession(connection, null);
        var sums = (await session.QueryAsync(
            """
            SELECT COUNT(*),
                   COALESCE(SUM(CASE WHEN exit_code <> 0 OR (limit_hit IS NOT NULL AND limit_hit <> 'processes') THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(network_allowed), 0), COALESCE(SUM(network_denied), 0)
            FROM task_commands WHERE task_id = @id
            """,
            [("id", taskId)],
            r => (Commands: Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Failed: Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                Allowed: Convert.ToInt64(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                Denied: Convert.ToInt64(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false))[0];
        if (sums.Commands == 0)
        {
            return TaskCommandTotals.None;
        }
        var perHost = new Dictionary<(string Host, int Port), (long Allowed, long Denied)>();
        var hostLists = await session.QueryAsync(
            "SELECT hosts FROM task_commands WHERE task_id = @id AND (network_allowed > 0 OR network_denied > 0) ORDER BY seq",
            [("id", taskId)],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        foreach (var hosts in hostLists)
        {
            foreach (var host in ReadHosts(hosts))
            {
                perHost.TryGetValue((host.Host, host.Port), out var counts);
                perHost[(host.Host, host.Port)] = host.Allowed ? (counts.Allowed + host.Count, counts.Denied) : (counts.Allowed, counts.Denied + host.Count);
            }
        }
        var top = perHost
            .OrderByDescending(h => h.Value.Allowed + h.Value.Denied)
            .ThenBy(h => h.Key.Host, StringComparer.Ordinal)
            .ThenBy(h => h.Key.Port)
            .Take(TaskCommandTotals.MaxHosts)
            .Select(h => new TaskHostTotals(h.Key.Host, h.Key.Port, h.Value.Allowed, h.Value.Denied))
            .ToList();
        return new TaskCommandTotals(sums.Commands, sums.Failed, sums.Allowed, sums.Denied, top);
    }

    /// <summary>The entry as it is kept: checked where a wrong value is a caller's bug, cut where it is only long.</summary>
    private static CommandAuditEntry BoundCommand(CommandAuditEntry entry)
    {
        if (string.IsNullOrWhiteSpace(entry.Phase) || entry.Phase.Length > 40)
        {
            throw new ValidationException("phase", "is missing or longer than 40 characters; give the phase that ran the command (setup, agent, plan, verify)");
        }
        if (entry.Subtask is not null && !PlanValidator.IsSubtaskId(entry.Subtask))
        {
            throw new ValidationException("subtask", $"must be a plan subtask id (at most {PlanLimits.MaxIdLength} lowercase letters, digits and single hyphens, starting with a letter) or null for the whole task");
        }
        if (string.IsNullOrWhiteSpace(entry.Network) || entry.Network.Length > 20)
        {
            throw new ValidationException("network", "is missing or longer than 20 characters; give the command's network policy (off, allowlist, on)");
        }
        if (entry.Limit is { Length: 0 or > 40 })
        {
            throw new ValidationException("limit", "must be null or a limit's name of at most 40 characters (timeout, memory, processes, cpu, file_size, …)");
        }
        if (entry.StdoutBytes < 0 || entry.StderrBytes < 0 || entry.Hosts.Any(h => h.Count < 0))
        {
            throw new ValidationException("command", "byte and connection counts cannot be negative");
        }
        var hosts = CommandAuditBounds.Fold([.. entry.Hosts.Select(h => h with
        {
            Host = WithoutNul(CommandAuditBounds.Cut(h.Host ?? "", MaxCommandHostChars)),
            Reason = WithoutNul(CommandAuditBounds.Cut(h.Reason ?? "", MaxCommandReasonChars)),
        })]);
        return entry with
        {
            Command = WithoutNul(CommandAuditBounds.Cut(entry.Command ?? "", CommandAuditEntry.MaxCommandChars)),
            WorkingDirectory = WithoutNul(CommandAuditBounds.Cut(entry.WorkingDirectory ?? "", MaxCommandFolderChars)),
            Duration = entry.Duration < TimeSpan.Zero ? TimeSpan.Zero : entry.Duration,
            Hosts = hosts,
        };
    }

    private static IReadOnlyList<CommandHostDecisions> ReadHosts(string json) =>
        JsonSerializer.Deserialize<List<CommandHostDecisions>>(json, NightshiftJson.Options) ?? [];

    private static TaskCommand ReadCommand(DbDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        (int)r.GetInt64(2),
        new CommandAuditEntry(
            Phase: r.GetString(4),
            Subtask: r.IsDBNull(3) ? null : r.GetString(3),
            Command: r.GetString(5),
            WorkingDirectory: r.GetString(6),
            Network: r.GetString(7),
            ExitCode: (int)r.GetInt64(8),
            Signal: r.IsDBNull(9) ? null : (int)r.GetInt64(9),
            Limit: r.IsDBNull(10) ? null : r.GetString(10),
            StartedAt: TaskColumns.Time(r.GetInt64(11)),
            Duration: TimeSpan.FromMilliseconds(r.GetInt64(12)),
            StdoutBytes: r.GetInt64(13),
            StderrBytes: r.GetInt64(14),
            Hosts: ReadHosts(r.GetString(15))));
}

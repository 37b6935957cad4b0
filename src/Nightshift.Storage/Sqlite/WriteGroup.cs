using Microsoft.Data.Sqlite;

namespace Nightshift.Storage.Sqlite;

/// <summary>One SQLite transaction shared by the writers of a group commit; <see cref="Done"/> completes when it is durable.</summary>
internal sealed class WriteGroup(SqliteTransaction transaction)
{
    public SqliteTransaction Transaction { get; } = transaction;

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

using System.Data.Common;

namespace Nightshift.Storage.Relational;

/// <summary>
/// One write transaction. Signals raised inside it are delivered only after the commit, so a woken reader
/// always finds what woke it.
/// </summary>
internal sealed class WriteScope(DbSession session, Func<ValueTask> release) : IAsyncDisposable
{
    private bool _committed;
    private bool _disposed;

    public DbSession Session { get; } = session;

    public bool WorkAvailable { get; private set; }

    public HashSet<string> TasksWithNewEvents { get; } = new(StringComparer.Ordinal);

    public void SignalWork() => WorkAvailable = true;

    public void SignalEvents(string taskId) => TasksWithNewEvents.Add(taskId);

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Session.Transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        _committed = true;
    }

    public bool Committed => _committed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (!_committed)
            {
                await RollbackQuietlyAsync(Session.Transaction!).ConfigureAwait(false);
            }
            await Session.Transaction!.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await release().ConfigureAwait(false);
        }
    }

    private static async Task RollbackQuietlyAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already completed or the connection broke: nothing was committed either way.
        }
        catch (DbException)
        {
            // A broken connection rolls back on the server side.
        }
    }
}

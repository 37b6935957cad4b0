namespace Nightshift.Storage.Relational;

/// <summary>
/// One write: its statements run on <see cref="Session"/>; <see cref="CommitAsync"/> returns once they are durable.
/// Disposing without committing undoes them. Signals raised inside are delivered only after the commit, so a woken
/// reader always finds what woke it.
/// </summary>
/// <param name="commit">makes the write durable and frees whatever the scope held, even when it fails.</param>
/// <param name="abort">undoes the write and frees whatever the scope held.</param>
internal sealed class WriteScope(DbSession session, Func<Task> commit, Func<Task> abort) : IAsyncDisposable
{
    private bool _finished;

    public DbSession Session { get; } = session;

    public bool WorkAvailable { get; private set; }

    public HashSet<string> TasksWithNewEvents { get; } = new(StringComparer.Ordinal);

    public void SignalWork() => WorkAvailable = true;

    public void SignalEvents(string taskId) => TasksWithNewEvents.Add(taskId);

    public Task CommitAsync()
    {
        _finished = true;
        return commit();
    }

    public async ValueTask DisposeAsync()
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        await abort().ConfigureAwait(false);
    }
}

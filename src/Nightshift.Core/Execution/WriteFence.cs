namespace Nightshift.Core.Execution;

/// <summary>
/// Fences writes that live outside the store (branch refs in a mirror, a pull request record) by the attempt's lease.
/// The worker enters a fence around the executor it runs; the fence flows with the executor's async calls, so code far
/// below it (workspaces, forges) checks the lease just before it writes, without every caller passing it down. An
/// abandoned executor keeps its own fence, which refuses once its lease is gone, so it cannot overwrite the work of
/// the worker that owns the task now. Outside a fence (tools, tests, the CLI's one-shot run) the check does nothing.
/// </summary>
public static class WriteFence
{
    private static readonly AsyncLocal<Func<CancellationToken, Task>?> Current = new();

    /// <summary>Whether the calling flow runs under a fence.</summary>
    public static bool IsActive => Current.Value is not null;

    /// <summary>
    /// Runs <paramref name="body"/> under <paramref name="check"/>, which throws <see cref="Errors.LeaseLostException"/>
    /// when the lease no longer holds. The fence covers everything <paramref name="body"/> starts, and nothing else.
    /// </summary>
    public static Task<T> RunAsync<T>(Func<CancellationToken, Task> check, Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(body);
        return Task.Run(() =>
        {
            Current.Value = check;
            return body();
        });
    }

    /// <summary>Throws <see cref="Errors.LeaseLostException"/> when the calling flow's lease was lost; call just before a write.</summary>
    public static Task CheckAsync(CancellationToken cancellationToken = default) =>
        Current.Value is { } check ? check(cancellationToken) : Task.CompletedTask;
}

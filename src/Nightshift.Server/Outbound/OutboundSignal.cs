using System.Threading.Channels;

namespace Nightshift.Server.Outbound;

/// <summary>
/// A wake-up that remembers at most one pending signal: many signals while nobody waits wake the next wait once.
/// The fan-out uses one to say "deliveries were made"; the event-log watcher one to say "events arrived".
/// </summary>
internal sealed class OutboundSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Set() => _channel.Writer.TryWrite(true);

    /// <returns>true when signalled, false when <paramref name="timeout"/> passed first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }
        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            using var delay = new CancellationTokenSource(timeout, time);
            using var link = delay.Token.Register(timer.Cancel);
            return await ReadAsync(timer.Token, cancellationToken);
        }
        return await ReadAsync(timer.Token, cancellationToken);
    }

    private async Task<bool> ReadAsync(CancellationToken waitToken, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Reader.ReadAsync(waitToken);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

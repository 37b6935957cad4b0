using System.Threading.Channels;

namespace Nightshift.Server.Webhooks;

/// <summary>Wakes this process's trigger processor the moment the intake records a trigger; polling covers the rest of the fleet.</summary>
internal sealed class TriggerSignal
{
    private readonly Channel<bool> _pulses = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Pulse() => _pulses.Writer.TryWrite(true);

    /// <summary>Returns when pulsed or when <paramref name="maxWait"/> has passed on <paramref name="time"/>.</summary>
    public async Task WaitAsync(TimeSpan maxWait, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(maxWait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _pulses.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The polling interval passed without a pulse.
        }
    }
}

namespace Nightshift.Server.Outbound;

/// <summary>The in-process nudge from the fan-out to the dispatcher: deliveries were just made, look now.</summary>
internal sealed class DispatchWakeUp
{
    public OutboundSignal Signal { get; } = new();

    public void Set() => Signal.Set();
}

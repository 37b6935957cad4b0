namespace Nightshift.Core.Network;

/// <summary>The outbound guard refused to connect: the address is on a network deliveries may not reach. The message says which and what to do.</summary>
public sealed class OutboundAddressRefusedException : IOException
{
    public OutboundAddressRefusedException(string message)
        : base(message)
    {
    }

    public OutboundAddressRefusedException()
    {
    }

    public OutboundAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Nightshift.Storage.Outbound;

/// <summary>Where a delivery stands. Stored as its lower-case name.</summary>
public enum OutboundDeliveryState
{
    /// <summary>Waiting for its next attempt (<see cref="OutboundDelivery.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>Claimed by a server that is sending it now (under a lease; a crashed server's claim lapses).</summary>
    Sending,

    /// <summary>The receiver accepted it (2xx, or the SMTP server took the mail).</summary>
    Delivered,

    /// <summary>A dead letter: every try failed, or the receiver refused it for good. Kept with every attempt; can be redelivered.</summary>
    Dead,
}

using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>
/// Sends one delivery over one channel (a signed webhook, a chat message, an email). It makes one attempt and says how it
/// went; the dispatcher owns retries, the schedule and the store. A sender never throws for a receiver's failure: every
/// failure is a <see cref="SendResult"/> with the reason in plain words, without any secret in it.
/// </summary>
public interface IOutboundSender
{
    /// <summary>The channel it sends over; one sender per channel is registered.</summary>
    OutboundChannel Channel { get; }

    Task<SendResult> SendAsync(OutboundEndpoint endpoint, OutboundDelivery delivery, CancellationToken cancellationToken);
}

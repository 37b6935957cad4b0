namespace Nightshift.Storage.Outbound;

/// <summary>How an outbound endpoint is reached. Stored as its lower-case name (<c>webhook</c>, <c>slack</c>, <c>email</c>).</summary>
public enum OutboundChannel
{
    /// <summary>An HTTP POST signed per the Standard Webhooks specification.</summary>
    Webhook,

    /// <summary>A chat message POSTed to a Slack-compatible incoming-webhook URL.</summary>
    Slack,

    /// <summary>An email over the configured SMTP server to the endpoint's recipients.</summary>
    Email,
}

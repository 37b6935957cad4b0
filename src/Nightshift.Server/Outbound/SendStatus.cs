namespace Nightshift.Server.Outbound;

/// <summary>How one attempt to send went, as a sender sees it.</summary>
public enum SendStatus
{
    /// <summary>Accepted (2xx; or the SMTP server took the mail).</summary>
    Delivered,

    /// <summary>Worth trying again: timeout, connection failure, 5xx, 429, a temporary SMTP failure.</summary>
    Retryable,

    /// <summary>Refused for good: another 4xx, a redirect (never followed), an address the SSRF guard refuses, a permanent SMTP failure.</summary>
    Refused,

    /// <summary>410 Gone: the receiver asks never to be sent anything again; the endpoint is disabled.</summary>
    Gone,
}

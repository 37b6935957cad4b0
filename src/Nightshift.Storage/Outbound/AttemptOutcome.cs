namespace Nightshift.Storage.Outbound;

/// <summary>How one attempt to send a delivery ended, and so what happens to it. Stored as its lower-case name.</summary>
public enum AttemptOutcome
{
    /// <summary>Accepted: the delivery is delivered.</summary>
    Delivered,

    /// <summary>Failed in a way worth trying again (timeout, connection failure, 5xx, 429): pending again at the given time.</summary>
    Retry,

    /// <summary>Failed for good (the last try, or a refusal such as a 4xx or a redirect): the delivery is dead.</summary>
    Dead,

    /// <summary>The receiver answered 410 Gone: the delivery is dead and its endpoint disabled.</summary>
    Gone,
}

namespace Nightshift.Models.Errors;

/// <summary>Why a model call failed, coarse enough to decide on a fallback or a message.</summary>
public enum ModelFailureKind
{
    /// <summary>The provider refused the credentials (HTTP 401/403).</summary>
    Authentication,

    /// <summary>Still rate limited (HTTP 429) after the retries.</summary>
    RateLimited,

    /// <summary>Still failing on the provider's side (HTTP 5xx) after the retries.</summary>
    ServerError,

    /// <summary>No answer within the per-call timeout, on every attempt.</summary>
    Timeout,

    /// <summary>The provider's circuit breaker is open after repeated failures; the call was not sent.</summary>
    CircuitOpen,

    /// <summary>The provider rejected the request itself (HTTP 4xx other than 401/403/429).</summary>
    BadRequest,

    /// <summary>The provider answered with a body that cannot be read.</summary>
    MalformedResponse,

    /// <summary>The endpoint could not be reached (DNS, refused connection, reset).</summary>
    Network,

    /// <summary>A recorded session did not match the conversation.</summary>
    ReplayDivergence,
}

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when a model call failed and the next model of the fallback chain is tried.</summary>
/// <param name="From">the model that failed (<c>provider/model</c>).</param>
/// <param name="To">the model tried next.</param>
/// <param name="Kind">the kind of failure (for example <c>RateLimited</c>, <c>ServerError</c>, <c>Timeout</c>).</param>
/// <param name="Reason">the failure, in words.</param>
public sealed record ModelFallbackPayload(
    string From,
    string To,
    string Kind,
    string Reason);

namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor when older turns of an agent's conversation were folded into a summary to stay within the context budget.</summary>
/// <param name="RemovedMessages">messages folded away.</param>
/// <param name="EstimatedTokensBefore">estimated context tokens before.</param>
/// <param name="EstimatedTokensAfter">estimated context tokens after.</param>
public sealed record ContextCompactedPayload(
    int RemovedMessages,
    int EstimatedTokensBefore,
    int EstimatedTokensAfter);

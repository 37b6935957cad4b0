namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor before each model call of an agent loop.</summary>
/// <param name="Role">which agent: <c>build</c>, <c>plan</c> or <c>merge</c>.</param>
/// <param name="Step">the loop's step, 1 for the first call.</param>
/// <param name="Messages">messages sent.</param>
/// <param name="EstimatedTokens">an estimate of the tokens in the context sent.</param>
public sealed record ModelRequestPayload(
    string Role,
    int Step,
    int Messages,
    int EstimatedTokens);

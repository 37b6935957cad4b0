namespace Nightshift.Core.Events.Payloads;

/// <summary>One limit of <c>.nightshift.yml</c> that asked for more than the operator allows.</summary>
/// <param name="Limit">the limit as the file names it: <c>command.memory</c>, <c>setup.timeout</c>, <c>task.disk</c>….</param>
/// <param name="Asked">what the file asked for: bytes for sizes, seconds for times, a count for processes.</param>
/// <param name="Allowed">the operator's maximum it was lowered to, in the same unit.</param>
public sealed record LimitCap(string Limit, long Asked, long Allowed);

namespace Nightshift.Server.Api;

/// <summary>The optional body of cancel and reject.</summary>
public sealed record ReasonRequest(string? Reason);

namespace Nightshift.TestKit.Oidc;

/// <summary>A request <see cref="TestIdentityProvider"/> refused, and why, so a test can tell a client's mistake from its own.</summary>
public sealed record TestIdentityRefusal(string Endpoint, string Reason);

namespace Nightshift.Server.Auth;

/// <summary>Request feature: credentials were presented and refused, with words for the person (see <see cref="CallerGate"/>).</summary>
internal sealed record AuthRefusal(string Detail);

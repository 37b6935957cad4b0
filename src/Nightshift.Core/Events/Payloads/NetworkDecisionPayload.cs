namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the executor for each connection a networked command's egress proxy made (<c>network.allowed</c>) or refused (<c>network.denied</c>); at most 500 per command, then one <c>command.output</c> line counts the rest.</summary>
/// <param name="Phase">the phase the command ran for: <c>setup</c>, <c>agent</c>, <c>plan</c> or <c>verify</c>.</param>
/// <param name="Command">the command line.</param>
/// <param name="Host">the host asked for.</param>
/// <param name="Port">the port asked for.</param>
/// <param name="Method">the proxy request's method (<c>CONNECT</c>, <c>GET</c>…).</param>
/// <param name="Address">the address connected to or refused; null when the name did not resolve.</param>
/// <param name="Reason">why it was allowed or refused.</param>
public sealed record NetworkDecisionPayload(
    string Phase,
    string Command,
    string Host,
    int Port,
    string Method,
    string? Address,
    string Reason);

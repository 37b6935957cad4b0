namespace Nightshift.Sandbox.Network;

/// <summary>
/// A credential the egress proxy adds to a jailed command's requests to one host (a private registry's token, a
/// package feed's basic auth), so the command never holds it. For https the proxy terminates TLS for that host with
/// the installation's own certificate authority (trusted inside the jail only; its key never enters it) and sets
/// <see cref="HeaderName"/> on every request, replacing whatever the command sent; every other host is tunnelled
/// untouched. The value lives only in the worker's memory: never in the jail's environment, files or command line,
/// nor in an event or a log line.
/// </summary>
/// <param name="Host">the host name it applies to, exactly (compared case-insensitively); no patterns.</param>
/// <param name="Port">the port it applies to (443 for https, 80 for plain http).</param>
/// <param name="HeaderName">the header the proxy sets, usually <c>Authorization</c>.</param>
/// <param name="HeaderValue">the whole header value, e.g. <c>Bearer …</c> or <c>Basic …</c>; secret.</param>
public sealed record EgressCredential(string Host, int Port, string HeaderName, string HeaderValue)
{
    /// <summary>Never prints the value: records print every member, and this one may reach a log by accident.</summary>
    public override string ToString() => $"EgressCredential {{ Host = {Host}, Port = {Port}, HeaderName = {HeaderName}, HeaderValue = [hidden] }}";
}

namespace Nightshift.Server.Outbound.Api;

/// <summary>
/// The SSRF rule applied when an endpoint is made or its URL changed: what can be refused without DNS (a literal
/// loopback or private address, <c>localhost</c>) unless <c>Outbound:AllowedHosts</c> names it. The connect-time guard
/// checks every address again when a delivery is sent.
/// </summary>
internal interface IEndpointAddressCheck
{
    /// <returns>why the URL may not be used, in words that say how to allow it; null when it may.</returns>
    string? RefusalFor(string url);
}

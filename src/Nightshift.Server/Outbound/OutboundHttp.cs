namespace Nightshift.Server.Outbound;

/// <summary>
/// The named <see cref="System.Net.Http.HttpClient"/> every outbound HTTP sender uses (webhooks, chat): it connects only
/// to addresses the SSRF guard allows (or the configured allow-list names) and never follows a redirect.
/// </summary>
public static class OutboundHttp
{
    public const string ClientName = "nightshift-outbound";
}

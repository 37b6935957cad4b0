namespace Nightshift.Cli.Api;

/// <summary>Nothing answered at the server URL (refused, timed out, name unknown).</summary>
internal sealed class ServerUnreachableException(Uri url, string source, string reason, Exception? inner = null)
    : Exception($"no Nightshift server answers at {url.GetLeftPart(UriPartial.Authority)} (taken from {source}): {reason}", inner)
{
    public Uri Url { get; } = url;
}

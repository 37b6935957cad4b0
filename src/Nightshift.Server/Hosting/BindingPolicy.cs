using System.Net;

namespace Nightshift.Server.Hosting;

/// <summary>Refuses to expose the API beyond this machine with a token nobody chose.</summary>
internal static class BindingPolicy
{
    /// <exception cref="ServerConfigurationException">a non-loopback address without a configured token.</exception>
    public static void EnsureSafe(IEnumerable<string> urls, bool tokenConfigured)
    {
        var exposed = urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && !tokenConfigured)
        {
            throw new ServerConfigurationException(
                $"refusing to listen on {string.Join(", ", exposed)} without a configured API token: " +
                "set Auth:Token (environment variable NIGHTSHIFT__Auth__Token) to a long random secret, " +
                $"or listen on a loopback address such as {NightshiftServerOptions.DefaultUrl}");
        }
    }

    internal static bool IsLoopback(string url)
    {
        if (url.Contains("://unix:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var normalized = url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}

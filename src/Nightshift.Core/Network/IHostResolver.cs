using System.Net;

namespace Nightshift.Core.Network;

/// <summary>
/// Turns a host name into the addresses to connect to. The outbound guard resolves each host once per connection
/// through this, checks every answer and connects to a checked address itself, so a second, different answer (DNS
/// rebinding) is never used.
/// </summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default);
}

namespace Nightshift.Sandbox.Network;

/// <summary>A request head the egress proxy accepted: the target and, for plain HTTP, the head to send on.</summary>
internal sealed record ProxyRequest(EgressTarget Target, bool Tunnel, string? ForwardedHead)
{
    /// <summary>A plain request's body length (0 when it has none); null when it is chunked, or for a tunnel.</summary>
    public long? BodyLength { get; init; }
}

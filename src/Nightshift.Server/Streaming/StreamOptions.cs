namespace Nightshift.Server.Streaming;

/// <summary>Configuration section <c>Stream</c>: the limits of the WebSocket stream <c>GET /api/v1/stream</c>.</summary>
internal sealed class StreamOptions
{
    public const string Section = "Stream";

    /// <summary>WebSocket connections this server keeps open at once; one more is refused with 503.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Subscriptions one connection may hold: each task by id, each repository, and <c>all</c> count one.</summary>
    public int MaxSubscriptions { get; set; } = 1_000;

    /// <summary>Frames waiting to be sent to one client before the server gives up on it and closes the connection.</summary>
    public int ClientBuffer { get; set; } = 1_024;

    /// <summary>The largest message a client may send, in bytes; a bigger one closes the connection with 1009.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>How often the server pings a connection that is otherwise quiet, so proxies keep it and dead peers show.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a closing connection may take to take its close frame before it is cut.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

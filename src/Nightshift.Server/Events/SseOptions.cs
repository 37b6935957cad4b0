namespace Nightshift.Server.Events;

/// <summary>Configuration section <c>Sse</c>.</summary>
internal sealed class SseOptions
{
    public const string Section = "Sse";

    /// <summary>How often an idle stream gets a comment line, so proxies and clients know it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}

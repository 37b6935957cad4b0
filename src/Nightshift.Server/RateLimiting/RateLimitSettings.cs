namespace Nightshift.Server.RateLimiting;

/// <summary>Configuration section <c>RateLimiting</c>: a token bucket per API token (or per address for callers without one).</summary>
internal sealed class RateLimitSettings
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests a client may send at once before it has to slow down.</summary>
    public int Burst { get; set; } = 300;

    /// <summary>Sustained requests per second.</summary>
    public int PermitsPerSecond { get; set; } = 50;
}

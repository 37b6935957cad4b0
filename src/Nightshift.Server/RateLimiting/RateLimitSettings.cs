namespace Nightshift.Server.RateLimiting;

/// <summary>
/// Configuration section <c>RateLimiting</c>: a token bucket per API token (per signed-in user for the dashboard, per
/// address for requests without a caller), and one per organisation that all its tokens and users share.
/// </summary>
internal sealed class RateLimitSettings
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests a client may send at once before it has to slow down.</summary>
    public int Burst { get; set; } = 300;

    /// <summary>Sustained requests per second.</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests an organisation's tokens and users together may send at once.</summary>
    public int OrgBurst { get; set; } = 1_000;

    /// <summary>Sustained requests per second of one organisation.</summary>
    public int OrgPermitsPerSecond { get; set; } = 200;
}

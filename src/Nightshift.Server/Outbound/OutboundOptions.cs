namespace Nightshift.Server.Outbound;

/// <summary>Configuration section <c>Outbound</c>: how events become deliveries and how they are sent.</summary>
internal sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>The retry schedule when none is configured: the first try at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</summary>
    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.Zero,
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];

    /// <summary>Whether this server turns events into deliveries and sends them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Host names, IP addresses or CIDR ranges the SSRF guard lets through although they are loopback, private, link-local or otherwise refused.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// The wait before each try, counted from the previous one: entry 0 is the first try (normally at once); after the
    /// last entry's try fails the delivery is dead. Null: <see cref="DefaultRetrySchedule"/>. Each wait gets ±20 % jitter.
    /// </summary>
    public List<TimeSpan>? RetrySchedule { get; set; }

    /// <summary>How long one attempt (connect, send, read the answer's start) may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the fan-out looks for events without waiting for a signal (events of other servers it missed).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the dispatcher sleeps before looking for due deliveries again (ones another server of a fleet made).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deliveries this server sends at once, over all endpoints.</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>The schedule in use.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule is { Count: > 0 } ? RetrySchedule : DefaultRetrySchedule;
}

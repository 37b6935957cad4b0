namespace Nightshift.Server.Hosting;

/// <summary>
/// What the CLI (or a test) decides when it starts a server or a worker. Settings not listed here come from
/// configuration (appsettings.json, <c>NIGHTSHIFT__Section__Key</c> environment variables).
/// </summary>
public sealed class NightshiftServerOptions
{
    public const string DefaultUrl = "http://127.0.0.1:7700";

    /// <summary>The data folder: token, server.json, the SQLite database. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The <c>NIGHTSHIFT_DB</c> value: a SQLite path or a PostgreSQL connection string; null for the default SQLite file.</summary>
    public string? Database { get; set; }

    /// <summary>Where the API listens. Port 0 lets the system choose; the chosen address lands in server.json.</summary>
    public IReadOnlyList<string> Urls { get; set; } = [DefaultUrl];

    /// <summary>Tasks one worker process runs at the same time.</summary>
    public int WorkerSlots { get; set; } = 2;

    /// <summary>Whether <see cref="NightshiftHost.BuildServer"/> also runs a worker in the same process.</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>A fixed API token; replaces the generated one (also <c>NIGHTSHIFT__Auth__Token</c>).</summary>
    public string? Token { get; set; }

    /// <summary>How long a claim lasts without a heartbeat; heartbeats come every third of it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long running tasks get to checkpoint and give their leases back when the process stops.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest an idle worker waits before it looks for work again without being woken.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the worker returns tasks with expired leases to the queue.</summary>
    public TimeSpan ReclaimInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Folders added to <c>Repositories:AllowedRoots</c> for this process (<c>--allow-repo</c>), on top of the configured ones.
    /// </summary>
    public IReadOnlyList<string> AllowedRepositoryRoots { get; set; } = [];

    /// <summary>Whether to print the token and listening lines on standard output.</summary>
    public bool WriteConsoleMessages { get; set; } = true;
}

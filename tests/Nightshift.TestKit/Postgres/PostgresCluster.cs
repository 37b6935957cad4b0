using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Nightshift.TestKit.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for one test assembly (use it as an xunit collection fixture): initdb on a temp
/// folder owned by the postgres user, a free loopback port, trust auth on 127.0.0.1, fsync left on, the socket
/// inside the folder. Each test takes its own fresh database. Everything is stopped and deleted on dispose.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    /// <summary>Points at a PostgreSQL bin folder to use instead of the newest /usr/lib/postgresql/*/bin.</summary>
    public const string BinVariable = "NIGHTSHIFT_PG_BIN";

    private readonly string _extraSettings;
    private int _databases;

    /// <summary>A cluster with the kit's standard settings (what a collection fixture gets).</summary>
    public PostgresCluster()
        : this("")
    {
    }

    private PostgresCluster(string extraSettings)
    {
        _extraSettings = extraSettings;
    }

    /// <summary>A cluster with extra server settings, given as <c>-c name=value</c> options (for tests of server behaviour).</summary>
    public static PostgresCluster WithSettings(string extraSettings) => new(extraSettings);

    /// <summary>The folder holding pg_ctl, or null when the server programs are missing (see <see cref="UnavailableReason"/>).</summary>
    public static string? BinDirectory { get; } = FindBinDirectory(out var reason) is { } bin ? bin : SetReason(reason);

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? UnavailableReason { get; private set; }

    public static bool IsAvailable => BinDirectory is not null;

    public string? Folder { get; private set; }

    public int Port { get; private set; }

    /// <summary>The maintenance database's connection string (database postgres).</summary>
    public string ConnectionString => Build("postgres");

    public async Task InitializeAsync()
    {
        if (!IsAvailable)
        {
            return;
        }
        await StartAsync().ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (Folder is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], tolerateFailure: true).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless; failing the run over it is not.
            }
            Folder = null;
        }
    }

    /// <summary>Creates an empty database and returns its keyword connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        if (Folder is null)
        {
            throw new InvalidOperationException("the PostgreSQL cluster is not running: " + (UnavailableReason ?? "it was not started"));
        }
        var name = string.Create(CultureInfo.InvariantCulture, $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name} TEMPLATE template0";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return Build(name);
    }

    private string DataFolder => Path.Combine(Folder!, "data");

    private string Build(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        MaxPoolSize = 40,
    }.ConnectionString;

    private async Task StartAsync()
    {
        Folder = Directory.CreateTempSubdirectory("nightshift-pg-").FullName;
        Directory.CreateDirectory(DataFolder);
        var asOther = Environment.IsPrivilegedProcess;
        if (asOther)
        {
            // initdb refuses root: the cluster belongs to the postgres user.
            await RunAsync("chown", ["-R", "postgres:postgres", Folder]).ConfigureAwait(false);
        }
        await RunAsync(Path.Combine(BinDirectory!, "initdb"), ["-D", DataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]).ConfigureAwait(false);
        Port = FreePort();
        await StartServerAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the server the way a crash would (<c>pg_ctl stop -m immediate</c>: no shutdown checkpoint; WAL still in the
    /// server's buffers is gone, WAL already handed to the kernel survives) and starts it again on the same folder and
    /// port; it runs crash recovery before accepting connections.
    /// </summary>
    public async Task CrashAndRestartAsync()
    {
        if (Folder is null)
        {
            throw new InvalidOperationException("the PostgreSQL cluster is not running");
        }
        await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"]).ConfigureAwait(false);
        NpgsqlConnection.ClearAllPools();
        await StartServerAsync().ConfigureAwait(false);
    }

    private async Task StartServerAsync()
    {
        var settings = string.Create(
            CultureInfo.InvariantCulture,
            $"-c port={Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={Folder} -c max_connections=300 -c shared_buffers=32MB {_extraSettings}");
        await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", DataFolder, "-l", Path.Combine(Folder!, "server.log"), "-o", settings, "-w", "-t", "30", "start"]).ConfigureAwait(false);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool tolerateFailure = false)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Environment.IsPrivilegedProcess && program != "chown")
        {
            start.FileName = "runuser";
            foreach (var part in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(part);
            }
        }
        else
        {
            start.FileName = program;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0 && !tolerateFailure)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)} {await stdout.ConfigureAwait(false)}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinDirectory(out string? reason)
    {
        var chosen = Environment.GetEnvironmentVariable(BinVariable);
        if (!string.IsNullOrEmpty(chosen))
        {
            reason = File.Exists(Path.Combine(chosen, "pg_ctl")) ? null : $"{BinVariable}={chosen} has no pg_ctl";
            return reason is null ? chosen : null;
        }
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "pg_ctl")) && File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        reason = found is null ? $"PostgreSQL server programs were not found (no {root}/*/bin/pg_ctl); install the postgresql package or set {BinVariable}" : null;
        return found;
    }

    private static string? SetReason(string? reason)
    {
        UnavailableReason = reason;
        return null;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>How <see cref="PostgresServer.RestartAsync"/> stops the server before starting it again.</summary>
public enum PostgresShutdown
{
    /// <summary><c>pg_ctl -m fast</c>: clients are disconnected, a shutdown checkpoint is written.</summary>
    Fast,

    /// <summary><c>pg_ctl -m immediate</c>: like a crash; the next start runs crash recovery.</summary>
    Immediate,
}

/// <summary>
/// The run's own PostgreSQL cluster: initdb on a temp folder (owned by the postgres user when the harness runs as root),
/// a free loopback port, trust authentication on 127.0.0.1. Unlike the test kit's cluster it can be restarted on the same
/// folder and port either way, which is one of the faults. Disposing stops it and deletes the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private int _databases;

    private PostgresServer(string bin, string folder, int port)
    {
        _bin = bin;
        Folder = folder;
        Port = port;
    }

    /// <summary>The cluster's folder (data, server log and socket).</summary>
    public string Folder { get; }

    public int Port { get; }

    /// <summary>The server's log file (kept in the folder; printed in part when the server does not come back).</summary>
    public string LogPath => Path.Combine(Folder, "server.log");

    private string DataFolder => Path.Combine(Folder, "data");

    /// <summary>Creates and starts a cluster; says why it cannot when the server programs are missing.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var bin = PostgresCluster.BinDirectory
            ?? throw new InvalidOperationException("the fleet needs PostgreSQL: " + PostgresCluster.UnavailableReason);
        var folder = Directory.CreateTempSubdirectory("nightshift-fleet-pg-").FullName;
        var server = new PostgresServer(bin, folder, FreePort());
        try
        {
            Directory.CreateDirectory(server.DataFolder);
            if (Environment.IsPrivilegedProcess)
            {
                // initdb refuses to run as root: the cluster belongs to the postgres user.
                await RunAsync("chown", ["-R", "postgres:postgres", folder], asPostgres: false, cancellationToken);
            }
            await server.PgAsync("initdb", ["-D", server.DataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], cancellationToken);
            await server.StartServerAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The connection string of a database of this cluster.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        MaxPoolSize = 40,
    }.ConnectionString;

    /// <summary>Creates an empty database (<paramref name="name"/>: letters, digits and underscores) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name, CancellationToken cancellationToken)
    {
        name ??= string.Create(CultureInfo.InvariantCulture, $"fleet_{Interlocked.Increment(ref _databases)}");
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"database name '{name}' may hold only letters, digits and underscores", nameof(name));
        }
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name} TEMPLATE template0";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Stops the server (<paramref name="mode"/>) and starts it again on the same folder and port; returns once it accepts connections.</summary>
    public async Task RestartAsync(PostgresShutdown mode, CancellationToken cancellationToken)
    {
        var how = mode == PostgresShutdown.Fast ? "fast" : "immediate";
        await PgAsync("pg_ctl", ["-D", DataFolder, "-m", how, "-w", "-t", "60", "stop"], cancellationToken);
        NpgsqlConnection.ClearAllPools();
        await StartServerAsync(cancellationToken);
        await WaitUntilAcceptingAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                await PgAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"], CancellationToken.None, tolerateFailure: true);
            }
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
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var settings = string.Create(
            CultureInfo.InvariantCulture,
            $"-c port={Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={Folder} -c max_connections=300 -c shared_buffers=32MB");
        await PgAsync("pg_ctl", ["-D", DataFolder, "-l", LogPath, "-o", settings, "-w", "-t", "60", "start"], cancellationToken);
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString());
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private Task PgAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool tolerateFailure = false) =>
        RunAsync(Path.Combine(_bin, program), arguments, Environment.IsPrivilegedProcess, cancellationToken, tolerateFailure);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken, bool tolerateFailure = false)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
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
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 && !tolerateFailure)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr} {await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

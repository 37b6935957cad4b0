using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Configuration;
using Nightshift.Core.Errors;
using Nightshift.Storage.Postgres;
using Nightshift.Storage.Relational;
using Nightshift.Storage.Sqlite;
using Npgsql;

namespace Nightshift.Storage;

/// <summary>Opens the store NIGHTSHIFT_DB names, migrated and ready.</summary>
public static class StoreFactory
{
    /// <param name="dataDirectory">the data folder; the default SQLite file lives in it.</param>
    /// <param name="database">
    /// the NIGHTSHIFT_DB value: a <c>postgres://</c>/<c>postgresql://</c> URL or a keyword string (<c>Host=…</c>)
    /// means PostgreSQL; anything else is a SQLite file path (relative to the working folder); null or empty means <c>&lt;data&gt;/nightshift.db</c>.
    /// </param>
    /// <exception cref="StoreConfigurationException">the value is malformed, the database unreachable, or its schema newer than this code.</exception>
    public static async Task<INightshiftStore> OpenAsync(
        string dataDirectory,
        string? database,
        TimeProvider time,
        StoreOptions? options = null,
        ILoggerFactory? loggers = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new StoreOptions();
        options.Validate();
        var logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Nightshift.Storage");
        var target = Describe(dataDirectory, database);

        RelationalStore store;
        if (target.Postgres is { } builder)
        {
            var postgres = new PostgresStore(builder, options, time, logger);
            store = postgres;
            try
            {
                await postgres.MigrateAsync(cancellationToken).ConfigureAwait(false);
                await postgres.StartListeningAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw new StoreConfigurationException(
                    $"cannot use the PostgreSQL database {postgres.Location}: {ex.Message}; check that the server runs, that the database exists and that NIGHTSHIFT_DB is right",
                    ex);
            }
            catch
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return store;
        }

        var path = target.SqlitePath!;
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StoreConfigurationException($"cannot create the folder {folder} for the SQLite database: {ex.Message}; choose another --data folder or NIGHTSHIFT_DB path", ex);
            }
        }
        store = await SqliteStore.OpenAsync(path, options, time, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new StoreConfigurationException($"cannot prepare the SQLite database {path}: {ex.Message}; is it a Nightshift database?", ex);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return store;
    }

    /// <summary>Which dialect and where, without opening anything.</summary>
    /// <exception cref="StoreConfigurationException">a PostgreSQL value is malformed.</exception>
    internal static StoreTarget Describe(string dataDirectory, string? database)
    {
        var value = database?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return new StoreTarget(Path.GetFullPath(NightshiftPaths.DefaultDatabase(dataDirectory)), null);
        }
        if (PostgresConnectionString.IsUrl(value) || PostgresConnectionString.IsKeywordForm(value))
        {
            return new StoreTarget(null, PostgresConnectionString.Parse(value));
        }
        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw new StoreConfigurationException(
                $"NIGHTSHIFT_DB starts with an unknown scheme '{value.Split("://", 2)[0]}'; {PostgresConnectionString.AcceptedForms}");
        }
        if (value.Any(char.IsControl))
        {
            throw new StoreConfigurationException($"NIGHTSHIFT_DB contains control characters; {PostgresConnectionString.AcceptedForms}");
        }
        return new StoreTarget(Path.GetFullPath(value), null);
    }

    internal sealed record StoreTarget(string? SqlitePath, NpgsqlConnectionStringBuilder? Postgres);
}

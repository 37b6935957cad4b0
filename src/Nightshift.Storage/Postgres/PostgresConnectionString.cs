using System.Globalization;
using Nightshift.Core.Errors;
using Npgsql;

namespace Nightshift.Storage.Postgres;

/// <summary>
/// Reads NIGHTSHIFT_DB when it names PostgreSQL: a <c>postgres://</c> / <c>postgresql://</c> URL or a keyword
/// string (<c>Host=…;Database=…</c>). Messages name the problem and the accepted forms, never the password.
/// </summary>
internal static class PostgresConnectionString
{
    public const string AcceptedForms =
        "accepted forms: postgres://user:password@host:5432/database (or postgresql://…), " +
        "Host=host;Port=5432;Database=database;Username=user;Password=…, or a SQLite file path";

    public static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the text before the first '=' is a bare word (Host, Server, Port…), not a path.</summary>
    public static bool IsKeywordForm(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }
        var key = value[..equals].Trim();
        return key.Length > 0 && key.All(c => char.IsAsciiLetter(c) || c == ' ');
    }

    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        var builder = IsUrl(value) ? FromUrl(value) : FromKeywords(value);
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw Problem("it names no host");
        }
        return builder;
    }

    /// <summary>host:port/database for messages.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username ?? "(default)"}");

    private static NpgsqlConnectionStringBuilder FromKeywords(string value)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException)
        {
            // Npgsql's message may quote the offending part, which can be a password: name only the keywords.
            var keys = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => part.Split('=', 2)[0].Trim())
                .Where(key => key.Length > 0 && !new NpgsqlConnectionStringBuilder().ContainsKey(key) && !IsKnown(key))
                .ToList();
            throw Problem(keys.Count > 0
                ? $"it has settings PostgreSQL does not know ({string.Join(", ", keys.Take(5))}) or a value of the wrong kind"
                : "a setting has a value of the wrong kind (for example a port that is not a number)");
        }
    }

    private static bool IsKnown(string key)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder()[key];
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw Problem("it is not a well-formed URL");
        }
        var builder = new NpgsqlConnectionStringBuilder();
        if (!string.IsNullOrEmpty(uri.Host))
        {
            builder.Host = uri.Host.Trim('[', ']');
        }
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Contains('/', StringComparison.Ordinal))
        {
            throw Problem("its path must be a single database name");
        }
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var setting = Uri.UnescapeDataString(kv.Length == 2 ? kv[1] : "");
            var mapped = key.ToLowerInvariant() switch
            {
                "sslmode" => "SSL Mode",
                "application_name" => "Application Name",
                "connect_timeout" => "Timeout",
                "host" => "Host",
                "port" => "Port",
                "user" => "Username",
                "dbname" => "Database",
                _ => key,
            };
            try
            {
                builder[mapped] = setting;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
            {
                throw Problem($"its query setting '{Truncate(key)}' is unknown or has a value of the wrong kind");
            }
        }
        return builder;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static StoreConfigurationException Problem(string what) =>
        new($"NIGHTSHIFT_DB looks like a PostgreSQL connection string, but {what}; {AcceptedForms}");
}

namespace Nightshift.Core.Configuration;

/// <summary>Where Nightshift keeps its data: <c>--data</c>, else <c>NIGHTSHIFT_DATA</c>, else <c>~/.local/share/nightshift</c>.</summary>
public static class NightshiftPaths
{
    public const string DataVariable = "NIGHTSHIFT_DATA";
    public const string DatabaseVariable = "NIGHTSHIFT_DB";

    /// <summary>Resolves the data folder (not created here).</summary>
    public static string ResolveDataDirectory(string? option, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var chosen = !string.IsNullOrWhiteSpace(option) ? option : environment(DataVariable);
        if (string.IsNullOrWhiteSpace(chosen))
        {
            var dataHome = environment("XDG_DATA_HOME");
            if (string.IsNullOrWhiteSpace(dataHome))
            {
                dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }
            chosen = Path.Combine(dataHome, "nightshift");
        }
        return Path.GetFullPath(chosen);
    }

    /// <summary>The token file the server writes on first start and the CLI reads.</summary>
    public static string TokenFile(string dataDirectory) => Path.Combine(dataDirectory, "token");

    /// <summary>The default SQLite database inside the data folder.</summary>
    public static string DefaultDatabase(string dataDirectory) => Path.Combine(dataDirectory, "nightshift.db");
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Core.Text;
using Nightshift.Server.Hosting;
using Nightshift.Workspaces;
using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Cli.Commands.Cache;

/// <summary>
/// The setup cache as the worker on this machine sees it: the <c>Sandbox:SetupCache</c> section of appsettings.json
/// in the data folder and the NIGHTSHIFT__ variables, checked like at start.
/// </summary>
internal static class LocalSetupCache
{
    public static SetupCacheStore Open(CommandContext context)
    {
        var data = context.DataDirectory;
        var options = new SetupCacheOptions();
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(data, "appsettings.json"), optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(NightshiftHost.EnvironmentPrefix)
                .Build();
            configuration.GetSection(SetupCacheOptions.SectionName).Bind(options);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException or IOException)
        {
            throw new UsageException($"the Sandbox:SetupCache settings cannot be read: {SafeText.Clean(e.Message, 300)}; fix appsettings.json in the data folder or the NIGHTSHIFT__Sandbox__SetupCache__* variables");
        }
        var validation = new SetupCacheOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new UsageException(string.Join("; ", validation.Failures!));
        }
        return new SetupCacheStore(
            Microsoft.Extensions.Options.Options.Create(options),
            Microsoft.Extensions.Options.Options.Create(new WorkspaceOptions { DataDirectory = data }),
            context.Environment.Time,
            NullLogger<SetupCacheStore>.Instance);
    }

    public static object Json(SetupCacheEntry entry) => new
    {
        orgId = entry.OrgId,
        repo = entry.RepoLocation,
        repoKey = entry.RepoKey,
        key = entry.Key,
        bytes = entry.Bytes,
        files = entry.Files,
        createdAt = entry.CreatedAt,
        lastUsedAt = entry.LastUsedAt,
        hits = entry.Hits,
        setupMs = entry.SetupMs,
        lockFiles = entry.LockFiles,
    };

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Core.Teams;
using Nightshift.Server.Hosting;
using Nightshift.Server.Telemetry;
using Nightshift.Storage;

namespace Nightshift.Server.Secrets;

/// <summary>
/// Secrets at rest, for the API host and the worker host alike: Data Protection (application name <c>nightshift</c>,
/// key ring per <see cref="KeyRingOptions"/>), <see cref="ISecretProtector"/>, <see cref="IOrgSecrets"/> and the values
/// known for redaction.
/// </summary>
internal static class SecretsRegistration
{
    /// <summary>Every server of a fleet must use the same name, or none decrypts what another encrypted.</summary>
    public const string ApplicationName = "nightshift";

    public static IServiceCollection AddNightshiftSecrets(this IServiceCollection services, NightshiftServerOptions options)
    {
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>());
        services.AddDataProtection().SetApplicationName(ApplicationName);
        // The key ring is kept unencrypted by design (docs/secrets.md says what protects it); Data Protection's warning
        // about that would otherwise reach the console of every `nightshift run` and mix into --json output.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<KeyRingOptions>, IServiceProvider>((keys, ring, provider) =>
            keys.XmlRepository = Repository(ring.Value, options.DataDirectory, provider));
        services.TryAddSingleton(TimeProvider.System);
        // Egress credentials given as configured values are masked in events as decrypted organisation secrets are.
        services.TryAddSingleton(provider =>
        {
            var values = new SecretValues();
            if (provider.GetService<IConfiguration>() is { } configuration)
            {
                foreach (var value in EgressCredentialSecrets.From(configuration))
                {
                    values.Add(value);
                }
            }
            return values;
        });
        services.TryAddSingleton<ISecretProtector, SecretProtector>();
        services.TryAddSingleton(provider => new OrgSecrets(
            provider.GetRequiredService<INightshiftStore>(),
            provider.GetRequiredService<ISecretProtector>(),
            provider.GetRequiredService<SecretValues>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IOrgSecrets>(provider => provider.GetRequiredService<OrgSecrets>());
        services.TryAddSingleton(provider => new OrgSecretService(
            provider.GetRequiredService<INightshiftStore>(),
            provider.GetRequiredService<INightshiftStore>(),
            provider.GetRequiredService<ISecretProtector>(),
            provider.GetRequiredService<OrgSecrets>(),
            provider.GetRequiredService<SecretValues>(),
            provider.GetRequiredService<ILogger<OrgSecretService>>()));
        return services;
    }

    private static IXmlRepository Repository(KeyRingOptions ring, string dataDirectory, IServiceProvider provider)
    {
        if (ring.KeyStore == KeyRingOptions.DatabaseStore)
        {
            return new StoreXmlRepository(provider.GetRequiredService<INightshiftStore>());
        }
        var folder = ring.FolderFor(dataDirectory);
        KeyFolder.Prepare(folder);
        return new FileSystemXmlRepository(new DirectoryInfo(folder), provider.GetRequiredService<ILoggerFactory>());
    }
}

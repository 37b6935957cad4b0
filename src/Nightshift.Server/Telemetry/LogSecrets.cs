using Nightshift.Models.Selection;

namespace Nightshift.Server.Telemetry;

/// <summary>
/// The secret values the JSON log redacts by value, on top of the redactor's shapes: every configuration value whose
/// name says it is a credential (…Token, …Secret, …Password, …ApiKey, …PrivateKey, in settings or environment
/// variables), the model providers' keys, and the egress credentials' configured values (Sandbox:Egress:Credentials).
/// </summary>
internal static class LogSecrets
{
    private static readonly string[] Markers = ["token", "secret", "password", "apikey", "api_key", "privatekey", "private_key", "connectionstring"];

    public static IReadOnlyList<string> From(IConfiguration configuration)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            // An egress credential's Secret names an organisation secret; it is not one (its Value is, below).
            if (value is { Length: >= 6 } && IsCredentialName(key) && !EgressCredentialSecrets.IsSecretName(key))
            {
                secrets.Add(value);
            }
        }
        foreach (var value in ModelEnvironment.Process.SecretValues())
        {
            secrets.Add(value);
        }
        foreach (var value in EgressCredentialSecrets.From(configuration))
        {
            secrets.Add(value);
        }
        return [.. secrets];
    }

    public static bool IsCredentialName(string key)
    {
        var last = key[(key.LastIndexOf(':') + 1)..];
        return Markers.Any(marker => last.Contains(marker, StringComparison.OrdinalIgnoreCase));
    }
}

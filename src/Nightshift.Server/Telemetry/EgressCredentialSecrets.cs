using Nightshift.Sandbox.Network;

namespace Nightshift.Server.Telemetry;

/// <summary>
/// The secret strings of <c>Sandbox:Egress:Credentials</c> entries given as configured values: each value and the whole
/// header value the proxy sends for it (a Basic credential's base64 form holds the value too). A setting named
/// <c>…:Value</c> is not caught by the credential-name markers, so these are added to redaction by name here.
/// </summary>
internal static class EgressCredentialSecrets
{
    public const string Section = "Sandbox:Egress:Credentials";

    /// <summary>True for <c>Sandbox:Egress:Credentials:N:Secret</c>, which holds the name of an organisation secret, not a secret.</summary>
    public static bool IsSecretName(string key) =>
        key.StartsWith(Section + ":", StringComparison.OrdinalIgnoreCase) && key.EndsWith(":Secret", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<string> From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var secrets = new List<string>();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            if (entry["Value"] is not { Length: > 0 } value)
            {
                continue;
            }
            secrets.Add(value);
            var options = new EgressCredentialOptions { Scheme = entry["Scheme"] ?? "Bearer", Username = entry["Username"] };
            secrets.Add(options.HeaderValue(value));
        }
        return secrets;
    }
}

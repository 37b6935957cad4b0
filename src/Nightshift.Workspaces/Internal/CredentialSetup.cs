namespace Nightshift.Workspaces.Internal;

/// <summary>The environment that hands push or fetch credentials to git's helpers, and the secrets to keep out of its output.</summary>
internal sealed record CredentialSetup(IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Secrets)
{
    public static CredentialSetup From(PushCredentials? credentials)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        if (credentials?.Token is { Length: > 0 } token)
        {
            environment["NIGHTSHIFT_GIT_USERNAME"] = credentials.Username ?? "x-access-token";
            environment["NIGHTSHIFT_GIT_PASSWORD"] = token;
            secrets.Add(token);
        }
        if (credentials?.SshKeyFile is { Length: > 0 } key)
        {
            environment["NIGHTSHIFT_SSH_KEY"] = key;
        }
        return new CredentialSetup(environment, secrets);
    }
}

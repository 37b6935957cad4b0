namespace Nightshift.Workspaces;

/// <summary>
/// Secrets for talking to the remote, from the worker's secret configuration. Over https the token is answered to
/// git's password prompt through an askpass helper that reads it from the child's environment, so it never appears
/// in process arguments, files, URLs or messages. Over ssh, <see cref="SshKeyFile"/> names a private key.
/// </summary>
public sealed record PushCredentials(string? Username = null, string? Token = null, string? SshKeyFile = null)
{
    /// <summary>Token authentication as most forges expect it (GitHub accepts any user name with a token).</summary>
    public static PushCredentials FromToken(string token, string username = "x-access-token") => new(username, token);

    // Records print every property; this one must never print the token.
    public override string ToString() =>
        $"PushCredentials {{ Username = {Username}, Token = {(Token is null ? "none" : "***")}, SshKeyFile = {SshKeyFile} }}";
}

namespace Nightshift.Server.Secrets;

/// <summary>
/// What a protected value is for. Each has its own Data Protection purpose, so a ciphertext of one kind never decrypts
/// as another (an outbound URL pasted where an organisation secret is expected is refused, not revealed).
/// </summary>
public enum SecretPurpose
{
    /// <summary>An organisation's secret (<c>model.openai.api-key</c>, <c>forge.github.token</c>, …), bound to its org and name.</summary>
    OrgSecret,

    /// <summary>An outbound webhook's signing secret.</summary>
    OutboundSigningSecret,

    /// <summary>A Slack-compatible chat endpoint's URL (its path is the credential).</summary>
    OutboundUrl,
}

namespace Nightshift.Server.Webhooks;

/// <summary>Configuration section <c>Webhooks:Gitea</c>: the inbound <c>POST /webhooks/gitea</c> route (Gitea and Forgejo).</summary>
internal sealed class GiteaWebhookOptions
{
    public const string Section = "Webhooks:Gitea";

    public const string DefaultLabel = "nightshift";

    public const int MinSecretLength = 16;

    /// <summary>
    /// The secret Gitea signs each delivery with (the webhook's "Secret" field). Unset: the route answers 404 and
    /// nothing is triggered from Gitea.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>The issue label that turns an issue into a task when it is added.</summary>
    public string Label { get; set; } = DefaultLabel;

    /// <summary>Largest delivery body accepted; bigger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

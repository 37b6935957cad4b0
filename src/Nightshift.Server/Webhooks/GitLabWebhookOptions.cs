namespace Nightshift.Server.Webhooks;

/// <summary>Configuration section <c>Webhooks:GitLab</c>: the inbound <c>POST /webhooks/gitlab</c> route.</summary>
internal sealed class GitLabWebhookOptions
{
    public const string Section = "Webhooks:GitLab";

    public const string DefaultLabel = "nightshift";

    public const int MinSecretLength = 16;

    /// <summary>
    /// The webhook's secret token (GitLab sends it as is in <c>X-Gitlab-Token</c>). Unset: the route answers 404 and
    /// nothing is triggered from GitLab.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>The issue label that turns an issue into a task when it is added.</summary>
    public string Label { get; set; } = DefaultLabel;

    /// <summary>Largest delivery body accepted; bigger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

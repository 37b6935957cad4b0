namespace Nightshift.Server.Webhooks;

/// <summary>Configuration section <c>Webhooks:GitHub</c>: the inbound <c>POST /webhooks/github</c> route.</summary>
internal sealed class GitHubWebhookOptions
{
    public const string Section = "Webhooks:GitHub";

    public const string DefaultLabel = "nightshift";

    public const int MinSecretLength = 16;

    /// <summary>
    /// The secret GitHub signs each delivery with (the webhook's "Secret" field). Unset: the route answers 404 and
    /// nothing is triggered from GitHub.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>The issue label that turns an issue into a task when it is added.</summary>
    public string Label { get; set; } = DefaultLabel;

    /// <summary>Largest delivery body accepted; bigger ones get 413 before anything is read into memory past it.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest task instruction made from an issue (title and body); the rest is cut with a marker.</summary>
    public int MaxInstructionChars { get; set; } = 20_000;
}

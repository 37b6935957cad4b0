using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Webhooks;

/// <summary>Checks the <c>Webhooks:GitLab</c> section when the host starts.</summary>
internal sealed class GitLabWebhookOptionsValidator : IValidateOptions<GitLabWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, GitLabWebhookOptions options)
    {
        var checks = new SettingChecks()
            .PlainText("Webhooks:GitLab:Label", options.Label, 50, required: true)
            .Range("Webhooks:GitLab:MaxBodyBytes", options.MaxBodyBytes, 1024, 25L * 1024 * 1024);
        if (options.Label?.Contains(',', StringComparison.Ordinal) ?? false)
        {
            checks.Fail("Webhooks:GitLab:Label", "must not contain a comma: GitLab takes labels as one comma-separated list, so such a label cannot be searched for");
        }
        if (options.Secret is { } secret
            && (secret.Length < GitLabWebhookOptions.MinSecretLength || secret.Length > 1_000 || secret.Any(c => char.IsControl(c) || c > '~') || string.IsNullOrWhiteSpace(secret)))
        {
            // The value itself is never echoed: it is a secret. GitLab sends it in a header, so it must be printable ASCII.
            checks.Fail(
                "Webhooks:GitLab:Secret",
                $"must be one line of {GitLabWebhookOptions.MinSecretLength} to 1000 printable ASCII characters (a long random string, the same one given as the webhook's secret token on GitLab), or be left unset to turn the route off");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Webhooks;

/// <summary>Checks the <c>Webhooks:Gitea</c> section when the host starts.</summary>
internal sealed class GiteaWebhookOptionsValidator : IValidateOptions<GiteaWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, GiteaWebhookOptions options)
    {
        var checks = new SettingChecks()
            .PlainText("Webhooks:Gitea:Label", options.Label, 50, required: true)
            .Range("Webhooks:Gitea:MaxBodyBytes", options.MaxBodyBytes, 1024, 25L * 1024 * 1024);
        if (options.Label?.Contains(',', StringComparison.Ordinal) == true)
        {
            checks.Fail("Webhooks:Gitea:Label", "must not contain a comma: Gitea reads a comma as a list of labels; name one label, e.g. nightshift");
        }
        if (options.Secret is { } secret
            && (secret.Length < GiteaWebhookOptions.MinSecretLength || secret.Length > 1_000 || secret.Any(char.IsControl) || string.IsNullOrWhiteSpace(secret)))
        {
            // The value itself is never echoed: it is a secret.
            checks.Fail(
                "Webhooks:Gitea:Secret",
                $"must be one line of {GiteaWebhookOptions.MinSecretLength} to 1000 characters (a long random string, the same one given as the webhook's secret on Gitea), or be left unset to turn the route off");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

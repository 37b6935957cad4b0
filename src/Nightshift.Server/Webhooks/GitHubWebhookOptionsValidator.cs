using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Core.Tasks;

namespace Nightshift.Server.Webhooks;

/// <summary>Checks the <c>Webhooks:GitHub</c> section when the host starts.</summary>
internal sealed class GitHubWebhookOptionsValidator : IValidateOptions<GitHubWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubWebhookOptions options)
    {
        var checks = new SettingChecks()
            .PlainText("Webhooks:GitHub:Label", options.Label, 50, required: true)
            .Range("Webhooks:GitHub:MaxBodyBytes", options.MaxBodyBytes, 1024, 25L * 1024 * 1024)
            .Range("Webhooks:GitHub:MaxInstructionChars", options.MaxInstructionChars, 200, NewTask.MaxInstructionLength);
        if (options.Secret is { } secret)
        {
            if (secret.Length < GitHubWebhookOptions.MinSecretLength || secret.Length > 1_000 || secret.Any(char.IsControl) || string.IsNullOrWhiteSpace(secret))
            {
                // The value itself is never echoed: it is a secret.
                checks.Fail(
                    "Webhooks:GitHub:Secret",
                    $"must be one line of {GitHubWebhookOptions.MinSecretLength} to 1000 characters (a long random string, the same one given as the webhook's secret on GitHub), or be left unset to turn the route off");
            }
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

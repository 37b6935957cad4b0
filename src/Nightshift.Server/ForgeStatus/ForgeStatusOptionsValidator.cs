using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.ForgeStatus;

/// <summary>Checks the <c>Webhooks:Status</c> section when the host starts.</summary>
internal sealed class ForgeStatusOptionsValidator : IValidateOptions<ForgeStatusOptions>
{
    public ValidateOptionsResult Validate(string? name, ForgeStatusOptions options)
    {
        var checks = new SettingChecks()
            .Range("Webhooks:Status:PollInterval", options.PollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1))
            .Range("Webhooks:Status:MaxAttempts", options.MaxAttempts, 1, 1_000)
            .PlainText("Webhooks:Status:PublicUrl", options.PublicUrl, 500);
        if (!string.IsNullOrEmpty(options.PublicUrl)
            && (!Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")
                || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            checks.Fail("Webhooks:Status:PublicUrl", "must be an http(s) address without user name, query or fragment, for example https://nightshift.example.com");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Auth;

/// <summary>Checks the <c>Auth</c> section when the host starts.</summary>
internal sealed class AuthSettingsValidator : IValidateOptions<AuthSettings>
{
    public ValidateOptionsResult Validate(string? name, AuthSettings options)
    {
        var checks = new SettingChecks().Range("Auth:TokenCacheSeconds", options.TokenCacheSeconds, 0, 60);
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.RateLimiting;

/// <summary>Checks the <c>RateLimiting</c> section when the host starts.</summary>
internal sealed class RateLimitSettingsValidator : IValidateOptions<RateLimitSettings>
{
    public ValidateOptionsResult Validate(string? name, RateLimitSettings options)
    {
        var checks = new SettingChecks()
            .Range("RateLimiting:Burst", options.Burst, 1, 1_000_000)
            .Range("RateLimiting:PermitsPerSecond", options.PermitsPerSecond, 1, 1_000_000)
            .Range("RateLimiting:OrgBurst", options.OrgBurst, 1, 10_000_000)
            .Range("RateLimiting:OrgPermitsPerSecond", options.OrgPermitsPerSecond, 1, 10_000_000);
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

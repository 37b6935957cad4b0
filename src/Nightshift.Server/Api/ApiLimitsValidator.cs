using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Api;

/// <summary>Checks the <c>Api</c> section when the host starts.</summary>
internal sealed class ApiLimitsValidator : IValidateOptions<ApiLimits>
{
    public ValidateOptionsResult Validate(string? name, ApiLimits options)
    {
        var checks = new SettingChecks().Range("Api:MaxRequestBodyBytes", options.MaxRequestBodyBytes, 16 * 1024, 1L << 30);
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

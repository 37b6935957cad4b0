using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Events;

/// <summary>Checks the <c>Sse</c> section when the host starts.</summary>
internal sealed class SseOptionsValidator : IValidateOptions<SseOptions>
{
    public ValidateOptionsResult Validate(string? name, SseOptions options)
    {
        var checks = new SettingChecks().Range("Sse:HeartbeatInterval", options.HeartbeatInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

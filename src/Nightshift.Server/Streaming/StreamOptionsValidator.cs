using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Streaming;

/// <summary>Checks the <c>Stream</c> section when the host starts.</summary>
internal sealed class StreamOptionsValidator : IValidateOptions<StreamOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamOptions options)
    {
        var checks = new SettingChecks()
            .Range("Stream:MaxConnections", options.MaxConnections, 1, 1_000_000)
            .Range("Stream:MaxSubscriptions", options.MaxSubscriptions, 1, 100_000)
            .Range("Stream:ClientBuffer", options.ClientBuffer, 1, 1_000_000)
            .Range("Stream:MaxFrameBytes", options.MaxFrameBytes, 256, 16 * 1024 * 1024)
            .Range("Stream:KeepAliveInterval", options.KeepAliveInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1))
            .Range("Stream:CloseTimeout", options.CloseTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Telemetry;

/// <summary>Checks the <c>Telemetry</c> section when the host starts.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var checks = new SettingChecks()
            .Range("Telemetry:QueueDepthInterval", options.QueueDepthInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var format = options.LogFormat?.Trim();
        if (!string.Equals(format, TelemetryOptions.Text, StringComparison.OrdinalIgnoreCase) && !TelemetryOptions.IsJson(format))
        {
            var plain = new string([.. (format ?? "").Where(c => !char.IsControl(c))]);
            var shown = plain.Length == 0 ? "empty" : $"'{(plain.Length <= 40 ? plain : plain[..40] + "…")}'";
            checks.Fail("Telemetry:LogFormat", $"is {shown}; use text (the default) or json (one JSON object per line)");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

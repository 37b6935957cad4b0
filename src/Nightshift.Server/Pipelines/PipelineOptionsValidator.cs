using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Pipelines;

internal sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var checks = new SettingChecks();
        if (options.PollInterval < TimeSpan.FromMilliseconds(50) || options.PollInterval > TimeSpan.FromMinutes(10))
        {
            checks.Fail("Pipelines:PollInterval", $"is {options.PollInterval}; give a time from 00:00:00.050 to 00:10:00, for example 00:00:01");
        }
        if (options.LeaseDuration < TimeSpan.FromSeconds(2) || options.LeaseDuration > TimeSpan.FromHours(1))
        {
            checks.Fail("Pipelines:LeaseDuration", $"is {options.LeaseDuration}; give a time from 00:00:02 to 01:00:00, for example 00:00:30");
        }
        else if (options.LeaseDuration <= options.PollInterval)
        {
            checks.Fail("Pipelines:LeaseDuration", $"is {options.LeaseDuration}, not longer than Pipelines:PollInterval ({options.PollInterval}); make the lease several polls long");
        }
        checks.Range("Pipelines:MaxRunsPerClaim", options.MaxRunsPerClaim, 1, 1_000);
        if (!PipelineFolder.IsSafe(options.Folder))
        {
            checks.Fail("Pipelines:Folder", $"is '{options.Folder}'; give a relative folder inside the repository such as .nightshift/pipelines (no '..', no leading '/', letters, digits and . _ - /)");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

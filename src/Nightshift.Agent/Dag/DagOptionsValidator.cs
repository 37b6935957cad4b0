using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Agent.Dag;

/// <summary>Checks the <c>Agent:Dag</c> section when the host starts.</summary>
internal sealed class DagOptionsValidator : IValidateOptions<DagOptions>
{
    public ValidateOptionsResult Validate(string? name, DagOptions options)
    {
        var checks = new SettingChecks().Range("Agent:Dag:MaxParallelism", options.MaxParallelism, 1, DagOptions.MaxAllowedParallelism);
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

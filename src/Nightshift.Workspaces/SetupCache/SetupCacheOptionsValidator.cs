using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Workspaces.SetupCache;

/// <summary>Checks the <c>Sandbox:SetupCache</c> section when the host starts.</summary>
public sealed class SetupCacheOptionsValidator : IValidateOptions<SetupCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, SetupCacheOptions options)
    {
        var checks = new SettingChecks()
            .Range("Sandbox:SetupCache:MaxBytes", options.MaxBytes, 1024 * 1024, long.MaxValue)
            .Range("Sandbox:SetupCache:MaxEntryBytes", options.MaxEntryBytes, 1024, long.MaxValue)
            .AbsolutePath("Sandbox:SetupCache:Folder", options.Folder);
        if (options.MaxEntryBytes > options.MaxBytes)
        {
            checks.Fail("Sandbox:SetupCache:MaxEntryBytes",
                $"is {options.MaxEntryBytes} bytes, more than Sandbox:SetupCache:MaxBytes ({options.MaxBytes}), so an entry could never be kept; lower it or raise MaxBytes");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

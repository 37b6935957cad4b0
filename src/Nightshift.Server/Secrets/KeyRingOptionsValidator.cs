using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Secrets;

/// <summary>Checks the <c>DataProtection</c> section when the host starts.</summary>
internal sealed class KeyRingOptionsValidator : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var checks = new SettingChecks();
        if (options.KeyStore is not (KeyRingOptions.FolderStore or KeyRingOptions.DatabaseStore))
        {
            checks.Fail($"{KeyRingOptions.SectionName}:KeyStore",
                $"is '{Shown(options.KeyStore)}'; use '{KeyRingOptions.FolderStore}' (key files in a folder) or '{KeyRingOptions.DatabaseStore}' (in the store, shared by a fleet)");
        }
        checks.AbsolutePath($"{KeyRingOptions.SectionName}:KeysDirectory", options.KeysDirectory);
        if (options.KeyStore == KeyRingOptions.DatabaseStore && options.KeysDirectory is not null)
        {
            checks.Fail($"{KeyRingOptions.SectionName}:KeysDirectory",
                $"is set while {KeyRingOptions.SectionName}:KeyStore is '{KeyRingOptions.DatabaseStore}'; remove one of them (keys are kept in one place)");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }

    private static string Shown(string? value)
    {
        if (value is null)
        {
            return "(empty)";
        }
        var clean = new string(value.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 40 ? clean + "…" : clean;
    }
}

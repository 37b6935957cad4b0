using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Storage;

namespace Nightshift.Server.Hosting;

/// <summary>Checks the <c>Storage</c> section when the host starts, with the store's own rules.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (StoreConfigurationException e)
        {
            return ValidateOptionsResult.Fail(
                $"the Storage section is unusable ({e.Message}); set Storage:<name> in appsettings.json in the data folder or as NIGHTSHIFT__Storage__<name> (see docs/configuration.md)");
        }
    }
}

using Microsoft.Extensions.Options;

namespace Nightshift.Cli.Commands;

/// <summary>
/// Recognises a setting that stopped the host at start: a validator's refusal (<see cref="OptionsValidationException"/>,
/// several of them together in an <see cref="AggregateException"/>) or a value the configuration binder could not
/// convert (its message names the setting's path).
/// </summary>
internal static class SettingsError
{
    public static bool TryDescribe(Exception error, out string message)
    {
        var failures = new List<string>();
        if (!Collect(error, failures) || failures.Count == 0)
        {
            message = "";
            return false;
        }
        message = "a setting is unusable, so nothing was started: " + string.Join("; also ", failures.Distinct(StringComparer.Ordinal));
        return true;
    }

    private static bool Collect(Exception error, List<string> failures)
    {
        switch (error)
        {
            case OptionsValidationException validation:
                failures.AddRange(validation.Failures);
                return true;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.All(inner => Collect(inner, failures));
            case InvalidOperationException binding when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                failures.Add(binding.Message.TrimEnd('.') + "; fix the value in appsettings.json in the data folder or its NIGHTSHIFT__Section__Key environment variable (see docs/configuration.md)");
                return true;
            default:
                return false;
        }
    }
}

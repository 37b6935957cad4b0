using System.Globalization;

namespace Nightshift.Core.Configuration;

/// <summary>
/// Collects what is wrong with one options section, each problem naming the setting (<c>Agent:Budget:MaxSteps</c>),
/// its value, the accepted range and where to change it, for the <c>IValidateOptions</c> validators every module
/// registers with <c>ValidateOnStart</c>.
/// </summary>
public sealed class SettingChecks
{
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>The environment-variable form of a setting: <c>Agent:Budget:MaxSteps</c> is <c>NIGHTSHIFT__Agent__Budget__MaxSteps</c>.</summary>
    public static string EnvironmentName(string setting) => "NIGHTSHIFT__" + setting.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Where a person changes <paramref name="setting"/>.</summary>
    public static string WhereToSet(string setting) =>
        $"set it in appsettings.json in the data folder or as {EnvironmentName(setting)} (see docs/configuration.md)";

    public SettingChecks Fail(string setting, string problem)
    {
        _failures.Add($"{setting} {problem}; {WhereToSet(setting)}");
        return this;
    }

    public SettingChecks Range(string setting, long value, long min, long max) =>
        value < min || value > max
            ? Fail(setting, $"is {value.ToString(CultureInfo.InvariantCulture)}; give a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}")
            : this;

    public SettingChecks Range(string setting, double value, double min, double max) =>
        double.IsNaN(value) || value < min || value > max
            ? Fail(setting, $"is {value.ToString(CultureInfo.InvariantCulture)}; give a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}")
            : this;

    public SettingChecks Range(string setting, decimal value, decimal min, decimal max) =>
        value < min || value > max
            ? Fail(setting, $"is {value.ToString(CultureInfo.InvariantCulture)}; give a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}")
            : this;

    /// <summary>A duration from <paramref name="min"/> to <paramref name="max"/> (written <c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>).</summary>
    public SettingChecks Range(string setting, TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min || value > max
            ? Fail(setting, $"is {Format(value)}; give a duration from {Format(min)} to {Format(max)} (written hh:mm:ss or d.hh:mm:ss)")
            : this;

    /// <summary>Text without control characters or line breaks, at most <paramref name="maxLength"/> long; null passes.</summary>
    public SettingChecks PlainText(string setting, string? value, int maxLength, bool required = false)
    {
        if (value is null || (!required && value.Length == 0))
        {
            return required ? Fail(setting, "is not set; give a value") : this;
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return Fail(setting, "is blank; give a value or remove the setting");
        }
        if (value.Length > maxLength || value.Any(char.IsControl))
        {
            return Fail(setting, $"must be one line of at most {maxLength} characters without control characters");
        }
        return this;
    }

    /// <summary>An absolute path (starting with '/'); null passes.</summary>
    public SettingChecks AbsolutePath(string setting, string? value)
    {
        if (value is null)
        {
            return this;
        }
        if (value.Length == 0 || value.Any(char.IsControl) || !Path.IsPathFullyQualified(value))
        {
            return Fail(setting, $"is '{Clip(value)}'; give an absolute path (starting with '/')");
        }
        return this;
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static string Clip(string value)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 200 ? clean[..200] + "…" : clean;
    }
}

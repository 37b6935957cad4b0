namespace Nightshift.Models.Selection;

/// <summary>Where variables are read from: the process, or a dictionary in tests (so they never touch the process).</summary>
public sealed class ModelEnvironment(Func<string, string?> lookup)
{
    public static ModelEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public static ModelEnvironment Empty { get; } = new(_ => null);

    public static ModelEnvironment From(IReadOnlyDictionary<string, string?> variables) =>
        new(name => variables.TryGetValue(name, out var value) ? value : null);

    /// <summary>The variable's value, or null when unset or blank.</summary>
    public string? Get(string name)
    {
        var value = lookup(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The values of the secret variables that are set, for redaction.</summary>
    public IReadOnlyList<string> SecretValues() =>
        [.. ModelEnvironmentVariables.SecretVariables.Select(Get).OfType<string>()];
}

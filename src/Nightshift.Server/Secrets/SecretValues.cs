using System.Collections.Immutable;

namespace Nightshift.Server.Secrets;

/// <summary>
/// Secret values this process has decrypted (organisation secrets, webhook signing secrets), for redaction by value in
/// log lines and task events: a value that leaks into output is masked even when it has no recognisable shape. Held
/// only in memory, for the life of the process.
/// </summary>
public sealed class SecretValues
{
    /// <summary>Shorter values are not masked: masking every "abc" in every log line would destroy the text, not protect it.</summary>
    public const int MinLength = 6;

    /// <summary>Bounds memory when secrets are rotated many times in a long-lived process.</summary>
    public const int MaxValues = 10_000;

    private ImmutableHashSet<string> _values = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>The values known now.</summary>
    public IReadOnlyCollection<string> Current => Volatile.Read(ref _values);

    public void Add(string? value)
    {
        if (value is null || value.Length < MinLength)
        {
            return;
        }
        ImmutableInterlocked.Update(ref _values, set => set.Contains(value) || set.Count >= MaxValues ? set : set.Add(value));
        // Keys pasted with a trailing newline are still masked where they appear trimmed.
        var trimmed = value.Trim();
        if (trimmed.Length >= MinLength && trimmed.Length != value.Length)
        {
            ImmutableInterlocked.Update(ref _values, set => set.Contains(trimmed) || set.Count >= MaxValues ? set : set.Add(trimmed));
        }
    }

    /// <summary><paramref name="text"/> with every known value, raw or escaped as inside a JSON string, replaced by <paramref name="mask"/>.</summary>
    public string Redact(string text, string mask)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = Volatile.Read(ref _values);
        if (values.IsEmpty || text.Length < MinLength)
        {
            return text;
        }
        var result = text;
        foreach (var value in values.OrderByDescending(v => v.Length))
        {
            result = result.Replace(value, mask, StringComparison.Ordinal);
            var escaped = System.Text.Json.JsonEncodedText.Encode(value).Value;
            if (escaped != value)
            {
                result = result.Replace(escaped, mask, StringComparison.Ordinal);
            }
        }
        return result;
    }
}

namespace Nightshift.Core.Errors;

/// <summary>Input that cannot be accepted as given (HTTP 400/422). Each entry names a field and what to change.</summary>
public sealed class ValidationException : NightshiftException
{
    public ValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(string.Join("; ", errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))))
    {
        Errors = errors;
    }

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

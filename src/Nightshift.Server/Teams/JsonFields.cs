using System.Text.Json;
using Nightshift.Core.Errors;

namespace Nightshift.Server.Teams;

/// <summary>
/// Strict reading of a JSON object body: each field named and typed, fields the server owns or does not know refused by
/// name (no mass assignment), and every refusal collected so one answer names every field that is wrong.
/// </summary>
internal sealed class JsonFields
{
    private const int MaxShownName = 40;

    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    private JsonFields()
    {
    }

    public int Count => _fields.Count;

    /// <exception cref="ValidationException">the body is not a JSON object.</exception>
    public static JsonFields Read(JsonElement body, IReadOnlyList<string> known, IReadOnlyList<string> serverOwned)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("body", $"must be a JSON object with the fields: {string.Join(", ", known)}");
        }
        var reader = new JsonFields();
        foreach (var property in body.EnumerateObject())
        {
            var name = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                var owned = serverOwned.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                if (owned is not null)
                {
                    reader.Add(owned, "is set by the server and cannot be sent; leave it out");
                }
                else
                {
                    reader.Add(Clip(property.Name), $"is not a field of this request; the fields are: {string.Join(", ", known)}");
                }
                continue;
            }
            if (!reader._fields.TryAdd(name, property.Value))
            {
                reader.Add(name, "appears more than once; send each field once");
            }
        }
        return reader;
    }

    public bool Has(string name) => _fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string name)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Add(name, "must be a string");
            return null;
        }
        return value.GetString();
    }

    public bool? Bool(string name)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        Add(name, "must be true or false");
        return null;
    }

    public int? Int(string name, int min, int max)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }
        Add(name, $"must be a whole number from {min} to {max}");
        return null;
    }

    /// <returns>the strings, or null when the field is absent or wrong (the error is recorded).</returns>
    public IReadOnlyList<string>? Strings(string name, int max)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            Add(name, "must be an array of strings");
            return null;
        }
        var count = value.GetArrayLength();
        if (count > max)
        {
            Add(name, $"has {count} entries; at most {max} are accepted");
            return null;
        }
        var list = new List<string>(count);
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Add(name, "must be an array of strings");
                return null;
            }
            list.Add(item.GetString()!);
        }
        return list;
    }

    public void Add(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public bool HasErrors => _errors.Count > 0;

    /// <exception cref="ValidationException">any field was refused.</exception>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationException(_errors);
        }
    }

    /// <summary>A value shown back in an error: control characters replaced, long values cut.</summary>
    public static string Clip(string? value, int max = MaxShownName)
    {
        if (value is null)
        {
            return "";
        }
        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= max ? clean : clean[..max] + "…";
    }
}

using System.Text.Json;
using Nightshift.Core.Errors;

namespace Nightshift.Server.Secrets;

/// <summary>Reads <c>{"value":"…"}</c> strictly: any other field is refused by name, so nothing else can be assigned.</summary>
internal static class SecretValueReader
{
    /// <exception cref="ValidationException">the body is not an object with one string field <c>value</c>, or the value is invalid.</exception>
    public static string Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("body", "must be a JSON object such as {\"value\":\"…\"}");
        }
        string? value = null;
        var seen = false;
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name != "value")
            {
                var shown = new string(property.Name.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
                throw new ValidationException(shown.Length == 0 ? "body" : shown,
                    "is not accepted here; the body has one field, value (the secret's name is in the path and its organisation is the caller's)");
            }
            if (seen)
            {
                throw new ValidationException("value", "is given twice; give it once");
            }
            seen = true;
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new ValidationException("value", "must be a string");
            }
            value = property.Value.GetString();
        }
        SecretNames.CheckValue(value);
        return value!;
    }
}

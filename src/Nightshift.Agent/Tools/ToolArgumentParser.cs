using System.Text.Json;

namespace Nightshift.Agent.Tools;

/// <summary>
/// Checks a model's tool-call arguments strictly against the tool's parameters: unknown names, missing required
/// values, wrong types, out-of-range numbers and over-long strings are all refused with a message the model can act on.
/// </summary>
internal static class ToolArgumentParser
{
    public static ToolArguments Parse(string toolName, IReadOnlyList<ToolParameter> parameters, IDictionary<string, object?>? raw)
    {
        var problems = new List<string>();
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var known = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);

        foreach (var (name, value) in raw ?? new Dictionary<string, object?>())
        {
            if (!known.TryGetValue(name, out var parameter))
            {
                problems.Add($"'{Clip(name)}' is not an argument of {toolName}");
                continue;
            }
            var element = ToElement(value);
            if (element.ValueKind == JsonValueKind.Null)
            {
                if (parameter.Required)
                {
                    problems.Add($"'{name}' must not be null");
                }
                continue;
            }
            var problem = Check(parameter, element);
            if (problem is not null)
            {
                problems.Add(problem);
                continue;
            }
            values[name] = element;
        }

        foreach (var parameter in parameters.Where(p => p.Required && !values.ContainsKey(p.Name)))
        {
            if (!problems.Any(p => p.StartsWith($"'{parameter.Name}'", StringComparison.Ordinal)))
            {
                problems.Add($"'{parameter.Name}' is required ({parameter.Description})");
            }
        }

        if (problems.Count > 0)
        {
            var expected = string.Join(", ", parameters.Select(p => $"{p.Name}: {p.Type.ToString().ToLowerInvariant()}{(p.Required ? "" : "?")}"));
            throw new ToolException($"invalid arguments for {toolName}: {string.Join("; ", problems)}. Expected {{{expected}}}.");
        }
        return new ToolArguments(values);
    }

    private static string? Check(ToolParameter parameter, JsonElement value)
    {
        switch (parameter.Type)
        {
            case ToolParameterType.String:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return $"'{parameter.Name}' must be a string, not {Describe(value)}";
                }
                var text = value.GetString()!;
                if (parameter.MaxLength is { } max && text.Length > max)
                {
                    return $"'{parameter.Name}' is {text.Length} characters long; at most {max} are accepted";
                }
                return null;
            case ToolParameterType.Integer:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
                {
                    return $"'{parameter.Name}' must be an integer, not {Describe(value)}";
                }
                if (number < parameter.Minimum || number > parameter.Maximum)
                {
                    return $"'{parameter.Name}' is {number}; it must lie between {parameter.Minimum} and {parameter.Maximum}";
                }
                return null;
            case ToolParameterType.Boolean:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? null
                    : $"'{parameter.Name}' must be true or false, not {Describe(value)}";
            default:
                return $"'{parameter.Name}' has an unsupported type";
        }
    }

    private static JsonElement ToElement(object? value) => value switch
    {
        JsonElement element => element.Clone(),
        null => JsonSerializer.SerializeToElement<object?>(null),
        _ => JsonSerializer.SerializeToElement(value, value.GetType()),
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

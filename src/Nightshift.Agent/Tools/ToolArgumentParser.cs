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
        var values = Collect(toolName, parameters, raw, "", problems);
        if (problems.Count > 0)
        {
            var expected = string.Join(", ", parameters.Select(p => $"{p.Name}: {Shape(p)}{(p.Required ? "" : "?")}"));
            throw new ToolException($"invalid arguments for {toolName}: {string.Join("; ", problems)}. Expected {{{expected}}}.");
        }
        return new ToolArguments(values);
    }

    /// <summary>Checks one object's values against <paramref name="parameters"/>; <paramref name="where"/> prefixes problems inside a list item.</summary>
    private static Dictionary<string, JsonElement> Collect(string toolName, IReadOnlyList<ToolParameter> parameters, IDictionary<string, object?>? raw, string where, List<string> problems)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var known = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var before = problems.Count;

        foreach (var (name, value) in raw ?? new Dictionary<string, object?>())
        {
            if (!known.TryGetValue(name, out var parameter))
            {
                problems.Add($"{where}'{Clip(name)}' is not an argument of {toolName}");
                continue;
            }
            var element = ToElement(value);
            if (element.ValueKind == JsonValueKind.Null)
            {
                if (parameter.Required)
                {
                    problems.Add($"{where}'{name}' must not be null");
                }
                continue;
            }
            var problem = Check(toolName, parameter, element, where, problems);
            if (problem is not null)
            {
                problems.Add(where + problem);
                continue;
            }
            values[name] = element;
        }

        foreach (var parameter in parameters.Where(p => p.Required && !values.ContainsKey(p.Name)))
        {
            if (!problems.Skip(before).Any(p => p.StartsWith($"{where}'{parameter.Name}'", StringComparison.Ordinal)))
            {
                problems.Add($"{where}'{parameter.Name}' is required ({parameter.Description})");
            }
        }
        return values;
    }

    private static string? Check(string toolName, ToolParameter parameter, JsonElement value, string where, List<string> problems)
    {
        switch (parameter.Type)
        {
            case ToolParameterType.ObjectList:
                return CheckList(toolName, parameter, value, where, problems);
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

    private static string? CheckList(string toolName, ToolParameter parameter, JsonElement value, string where, List<string> problems)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"'{parameter.Name}' must be a list of objects, not {Describe(value)}";
        }
        var count = value.GetArrayLength();
        if (parameter.Maximum is { } max && count > max)
        {
            return $"'{parameter.Name}' holds {count} items; at most {max} are accepted";
        }
        var items = parameter.Items ?? [];
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"{where}{parameter.Name}[{index++}]: ";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{at}must be an object {{{string.Join(", ", items.Select(p => p.Name))}}}, not {Describe(item)}");
                continue;
            }
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in item.EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }
            Collect(toolName, items, fields, at, problems);
        }
        // A problem inside an item is recorded with its index; any problem refuses the whole call.
        return null;
    }

    private static string Shape(ToolParameter parameter) => parameter.Type == ToolParameterType.ObjectList
        ? $"[{{{string.Join(", ", (parameter.Items ?? []).Select(p => $"{p.Name}: {Shape(p)}{(p.Required ? "" : "?")}"))}}}]"
        : parameter.Type.ToString().ToLowerInvariant();

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

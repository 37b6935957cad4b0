using System.Text.Json;

namespace Nightshift.Core.Planning;

/// <summary>
/// Turns the arguments of a <c>submit_plan</c> tool call into a <see cref="Plan"/>, reporting every structural and
/// semantic problem at once so the plan agent can show them to the model and ask again.
/// </summary>
public static class PlanParser
{
    private static readonly HashSet<string> SubtaskFields = new(StringComparer.Ordinal)
    {
        "id", "title", "description", "depends_on", "priority", "files", "acceptance",
    };

    public static PlanParseResult Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Fail("the plan is empty; call submit_plan with an object like {\"subtasks\": [{\"id\": \"...\", \"title\": \"...\", \"description\": \"...\"}]}");
        }
        if (json.Length > PlanLimits.MaxJsonLength)
        {
            return Fail($"the plan is {json.Length} characters long; at most {PlanLimits.MaxJsonLength} are accepted — use fewer, shorter subtasks");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return Fail($"the plan is not valid JSON ({e.Message}); send one JSON object with a 'subtasks' array");
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    public static PlanParseResult Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail($"the plan is {Kind(root.ValueKind)}; send one object with a 'subtasks' array");
        }
        var errors = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("subtasks" or "summary"))
            {
                errors.Add($"'{PlanValidator.Show(property.Name)}' is not a field of a plan; only 'summary' and 'subtasks' are");
            }
        }
        var summary = ReadSummary(root, errors);
        if (!root.TryGetProperty("subtasks", out var array))
        {
            errors.Add("subtasks: is missing; give an array of subtask objects");
            return new PlanParseResult(null, errors);
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"subtasks: is {Kind(array.ValueKind)}; it must be an array of subtask objects");
            return new PlanParseResult(null, errors);
        }

        var subtasks = new List<Subtask>();
        var skip = new HashSet<(int, string)>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var i = index++;
            if (i >= PlanLimits.MaxSubtasks * 4)
            {
                // Far beyond the cap: the count error is enough and reading further only costs time.
                continue;
            }
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"subtasks[{i}]: is {Kind(element.ValueKind)}; each subtask must be an object with id, title and description");
                subtasks.Add(new Subtask("", "x", "x", [], 0, [], []));
                skip.Add((i, "id"));
                continue;
            }
            foreach (var property in element.EnumerateObject())
            {
                if (!SubtaskFields.Contains(property.Name))
                {
                    errors.Add($"subtasks[{i}]: '{PlanValidator.Show(property.Name)}' is not a field of a subtask; allowed: {string.Join(", ", SubtaskFields)}");
                }
            }
            string? Text(string field)
            {
                if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }
                if (value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
                errors.Add($"subtasks[{i}].{field}: is {Kind(value.ValueKind)}; it must be a string");
                skip.Add((i, field));
                return null;
            }
            IReadOnlyList<string> List(string field)
            {
                if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    return [];
                }
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"subtasks[{i}].{field}: is {Kind(value.ValueKind)}; it must be an array of strings");
                    skip.Add((i, field));
                    return [];
                }
                var items = new List<string>();
                var j = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        items.Add(item.GetString()!);
                    }
                    else
                    {
                        errors.Add($"subtasks[{i}].{field}[{j}]: is {Kind(item.ValueKind)}; it must be a string");
                    }
                    j++;
                }
                return items;
            }
            var priority = 0;
            if (element.TryGetProperty("priority", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out priority))
                {
                    errors.Add($"subtasks[{i}].priority: must be a whole number from {PlanLimits.MinPriority} to {PlanLimits.MaxPriority}");
                    skip.Add((i, "priority"));
                    priority = 0;
                }
            }
            subtasks.Add(new Subtask(
                Text("id") ?? "",
                Text("title") ?? "",
                Text("description") ?? "",
                List("depends_on"),
                priority,
                List("files"),
                List("acceptance")));
        }
        if (index > subtasks.Count)
        {
            errors.Add($"subtasks: the plan has {index} subtasks; at most {PlanLimits.MaxSubtasks} are allowed — merge small steps");
            return new PlanParseResult(null, errors);
        }

        var plan = new Plan(subtasks) { Summary = summary };
        errors.AddRange(PlanValidator.Validate(plan, skip));
        return new PlanParseResult(errors.Count == 0 ? plan : null, errors);
    }

    private static PlanParseResult Fail(string error) => new(null, [error]);

    /// <summary>The optional one-line summary, trimmed; an error for anything but a short line of plain text.</summary>
    private static string? ReadSummary(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("summary", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"summary: is {Kind(value.ValueKind)}; it must be a string");
            return null;
        }
        var text = value.GetString()!.Trim();
        if (text.Length > PlanLimits.MaxSummaryLength || text.Any(char.IsControl))
        {
            errors.Add($"summary: must be one line of at most {PlanLimits.MaxSummaryLength} characters");
            return null;
        }
        return text.Length == 0 ? null : text;
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Planning;

/// <summary>
/// The plan as stored on the task (and shown by GET /tasks/{id}): exactly the object <c>submit_plan</c> takes, so a
/// person can edit it and send it back through approval, where <see cref="PlanParser"/> checks it again.
/// </summary>
public static class PlanWire
{
    public static string ToJson(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var subtasks = new JsonArray();
        foreach (var s in plan.Subtasks)
        {
            subtasks.Add(new JsonObject
            {
                ["id"] = s.Id,
                ["title"] = s.Title,
                ["description"] = s.Description,
                ["depends_on"] = Strings(s.DependsOn),
                ["priority"] = s.Priority,
                ["files"] = Strings(s.Files),
                ["acceptance"] = Strings(s.Acceptance),
            });
        }
        var json = new JsonObject();
        if (plan.Summary is not null)
        {
            json["summary"] = plan.Summary;
        }
        json["subtasks"] = subtasks;
        return json.ToJsonString();
    }

    /// <summary>The whole instruction as one subtask: what runs when there is no plan (skipped, or the planner failed).</summary>
    public static Plan Single(string title, string instruction)
    {
        var oneLine = string.Join(' ', Plain(title, allowNewlines: false).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var text = Plain(instruction, allowNewlines: true).Trim();
        return new Plan(
        [
            new Subtask(
                "task",
                Clip(oneLine.Length == 0 ? "Carry out the task" : oneLine, PlanLimits.MaxTitleLength),
                Clip(text.Length == 0 ? "Carry out the task" : text, PlanLimits.MaxDescriptionLength),
                [], 0, [], []),
        ]);
    }

    /// <summary>The <c>plan.ready</c> payload: the subtasks, the dependency edges and the parallel waves.</summary>
    public static string ReadyPayload(Plan plan, string mode, IReadOnlyDictionary<string, string> fingerprints, bool approved = false) =>
        NightshiftJson.Payload(new PlanReadyPayload(
            mode,
            [.. plan.Subtasks.Select(s => new PlanReadySubtask(
                s.Id, s.Title, s.Description, s.DependsOn, s.Priority, s.Files, s.Acceptance, fingerprints.GetValueOrDefault(s.Id)))],
            PlanGraph.Edges(plan),
            [.. PlanGraph.Waves(plan).Select(w => (IReadOnlyList<string>)[.. w.Select(s => s.Id)])],
            approved));

    /// <summary>
    /// The subtasks visible in a submit_plan call's arguments, as far as they can be read, each clipped for an event.
    /// Nothing here is validated: the <c>plan.partial</c> events show what the model is proposing while it is checked.
    /// </summary>
    public static IReadOnlyList<JsonObject> PartialSubtasks(string argumentsJson)
    {
        var found = new List<JsonObject>();
        try
        {
            using var document = JsonDocument.Parse(argumentsJson, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("subtasks", out var array)
                || array.ValueKind != JsonValueKind.Array)
            {
                return found;
            }
            foreach (var element in array.EnumerateArray().Take(PlanLimits.MaxSubtasks))
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                found.Add(new JsonObject
                {
                    ["id"] = Text(element, "id", PlanLimits.MaxIdLength),
                    ["title"] = Text(element, "title", PlanLimits.MaxTitleLength),
                    ["description"] = Text(element, "description", 500),
                    ["dependsOn"] = new JsonArray([.. TextList(element, "depends_on").Select(d => (JsonNode?)JsonValue.Create(d))]),
                    ["priority"] = element.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : 0,
                });
            }
        }
        catch (JsonException)
        {
            // Half a plan shows nothing; the parser's report tells the model what is wrong.
        }
        return found;
    }

    /// <summary>The text without the characters a plan refuses (controls, direction overrides), so the one-subtask plan always validates.</summary>
    private static string Plain(string? value, bool allowNewlines) =>
        new((value ?? "").Where(c => (allowNewlines && c is '\n' or '\t') || !PlanValidator.HasHostileCharacters(c.ToString(), allowNewlines: false)).ToArray());

    private static JsonArray Strings(IReadOnlyList<string>? values) => new([.. (values ?? []).Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static string? Text(JsonElement element, string field, int max) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? Clip(value.GetString() ?? "", max) : null;

    private static IEnumerable<string> TextList(JsonElement element, string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Take(PlanLimits.MaxDependencies).Select(v => Clip(v.GetString() ?? "", PlanLimits.MaxIdLength))
            : [];

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}

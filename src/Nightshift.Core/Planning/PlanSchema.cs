using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nightshift.Core.Planning;

/// <summary>The JSON schema of <c>submit_plan</c>'s arguments, built from <see cref="PlanLimits"/> so it matches <see cref="PlanValidator"/>.</summary>
public static class PlanSchema
{
    public const string ToolName = "submit_plan";

    public const string ToolDescription =
        "Submit the plan: subtasks with short slug ids, each with a title, a description, the ids it depends on, "
        + "a priority (higher runs first), the files it will touch and checkable acceptance criteria. "
        + "Dependencies must not form a cycle.";

    public static JsonElement SubmitPlanArguments { get; } = Build();

    private static JsonElement Build()
    {
        static JsonObject Strings(int maxItems, int maxLength, string description, bool unique = false)
        {
            var array = new JsonObject
            {
                ["type"] = "array",
                ["description"] = description,
                ["maxItems"] = maxItems,
                ["items"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = maxLength },
            };
            if (unique)
            {
                array["uniqueItems"] = true;
            }
            return array;
        }

        var subtask = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "short slug unique in the plan, e.g. add-login-form",
                    ["pattern"] = PlanLimits.IdPattern,
                    ["maxLength"] = PlanLimits.MaxIdLength,
                },
                ["title"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "one line saying what the step does",
                    ["minLength"] = 1,
                    ["maxLength"] = PlanLimits.MaxTitleLength,
                },
                ["description"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "what to change and why",
                    ["minLength"] = 1,
                    ["maxLength"] = PlanLimits.MaxDescriptionLength,
                },
                ["depends_on"] = Strings(PlanLimits.MaxDependencies, PlanLimits.MaxIdLength, "ids of subtasks that must finish first", unique: true),
                ["priority"] = new JsonObject
                {
                    ["type"] = "integer",
                    ["description"] = "higher runs first among ready subtasks; default 0",
                    ["minimum"] = PlanLimits.MinPriority,
                    ["maximum"] = PlanLimits.MaxPriority,
                },
                ["files"] = Strings(PlanLimits.MaxFiles, PlanLimits.MaxFilePathLength, "paths relative to the repository root this step will touch"),
                ["acceptance"] = Strings(PlanLimits.MaxAcceptanceCriteria, PlanLimits.MaxAcceptanceLength, "checkable sentences that say when the step is done"),
            },
            ["required"] = new JsonArray("id", "title", "description"),
            ["additionalProperties"] = false,
        };
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["summary"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "one short line saying what the whole change does (it becomes the task's title)",
                    ["maxLength"] = PlanLimits.MaxSummaryLength,
                },
                ["subtasks"] = new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 1,
                    ["maxItems"] = PlanLimits.MaxSubtasks,
                    ["items"] = subtask,
                },
            },
            ["required"] = new JsonArray("subtasks"),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }
}

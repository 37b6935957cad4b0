using System.Text.Json;
using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

/// <summary>
/// A plan's one-line <c>summary</c> becomes the task's title, unless a person chose the title: the title is replaced
/// only while it is still the one derived from the instruction, or the summary of the plan before.
/// </summary>
internal static class PlanTitle
{
    /// <returns>the new title, or null to keep the current one.</returns>
    public static string? From(TaskRecord task, string planJson)
    {
        var summary = Summary(planJson);
        if (summary is null || summary == task.Title)
        {
            return null;
        }
        var derived = task.Title == TaskTitles.Derive(task.Instruction);
        var fromEarlierPlan = task.Plan is not null && Summary(task.Plan) == task.Title;
        return derived || fromEarlierPlan ? summary : null;
    }

    private static string? Summary(string planJson)
    {
        try
        {
            using var document = JsonDocument.Parse(planJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("summary", out var value)
                || value.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            var text = value.GetString()!.Trim();
            return text.Length is > 0 and <= NewTask.MaxTitleLength && !text.Any(char.IsControl) ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

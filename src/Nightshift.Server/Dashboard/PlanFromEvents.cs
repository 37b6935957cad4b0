using System.Text.Json;
using Nightshift.Agent.Planning;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;

namespace Nightshift.Server.Dashboard;

/// <summary>The plan a task's latest readable <c>plan.ready</c> event announced, for a task that has none stored yet.</summary>
internal static class PlanFromEvents
{
    /// <summary>The plan in its stored (submit_plan) form, or null when no <c>plan.ready</c> event can be read as one.</summary>
    public static string? Latest(IEnumerable<TaskEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events.Reverse().Where(e => e.Type == EventTypes.PlanReady))
        {
            PlanReadyPayload? ready;
            try
            {
                ready = JsonSerializer.Deserialize<PlanReadyPayload>(e.Data, NightshiftJson.Options);
            }
            catch (JsonException)
            {
                continue;
            }
            if (ready?.Subtasks is not { Count: > 0 } subtasks || subtasks.Any(s => s is null || s.Id is null))
            {
                continue;
            }
            return PlanWire.ToJson(new Plan(
            [
                .. subtasks.Select(s => new Subtask(s.Id, s.Title ?? "", s.Description ?? "", s.DependsOn ?? [], s.Priority, s.Files ?? [], s.Acceptance ?? [])),
            ]));
        }
        return null;
    }
}

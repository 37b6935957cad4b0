using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nightshift.Core.Errors;
using Nightshift.Core.Events;
using Nightshift.Core.Serialization;

namespace Nightshift.Storage.Relational;

/// <summary>Checks on JSON the store keeps (event data, checkpoints, plans) before anything is written.</summary>
internal static class Payloads
{
    /// <summary>Event types only the store writes: a worker emitting them would misreport the task's state.</summary>
    private static readonly HashSet<string> StoreOwnedTypes = new(StringComparer.Ordinal)
    {
        EventTypes.TaskQueued, EventTypes.TaskStarted, EventTypes.TaskPhase, EventTypes.TaskCancelRequested,
        EventTypes.TaskReleased, EventTypes.TaskRetrying, EventTypes.TaskSucceeded, EventTypes.TaskFailed,
        EventTypes.TaskCancelled, EventTypes.TaskTimedOut, EventTypes.TaskNeedsReview, EventTypes.TaskDead, EventTypes.TaskCheckpoint,
        EventTypes.PlanApproved, EventTypes.PlanRejected, EventTypes.PlanAwaitingApproval,
        EventTypes.TaskMessage, EventTypes.TaskQuestion, EventTypes.TaskAnswered,
    };

    public static void EnsureObject(string field, string? json, int maxBytes)
    {
        if (json is null)
        {
            throw new ValidationException(field, "is missing; give a JSON object such as {}");
        }
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > maxBytes)
        {
            throw new ValidationException(field, $"is {bytes} bytes; at most {maxBytes} are accepted — truncate or summarise it first");
        }
        if (!NightshiftJson.IsObject(json))
        {
            throw new ValidationException(field, "must be a JSON object (for example {\"key\": \"value\"}), not an array, a plain value or malformed text");
        }
    }

    public static void EnsureWorkerEventType(string? type)
    {
        if (!EventTypes.IsWellFormed(type))
        {
            throw new ValidationException("type", "must be written noun.verb in lowercase letters, digits and underscores (for example tool.call), at most 64 characters");
        }
        if (StoreOwnedTypes.Contains(type!))
        {
            throw new ValidationException("type", $"'{type}' is written by the store itself when the task's state changes; emit a different event type");
        }
    }

    public static void EnsureText(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            throw new ValidationException(field, $"is {value.Length} characters long; at most {maxLength} are accepted");
        }
    }

    /// <summary>
    /// An event payload: <paramref name="payload"/>'s members written over an optional extra object (an outcome's
    /// details), each replacing a member of the same name where it stands and the rest following in order.
    /// </summary>
    public static string Write<T>(string? extraJson, T payload)
        where T : class
    {
        if (extraJson is null)
        {
            return NightshiftJson.Payload(payload);
        }
        var node = JsonNode.Parse(extraJson)!.AsObject();
        var fields = JsonSerializer.SerializeToNode(payload, NightshiftJson.Options)!.AsObject();
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            node[name] = value;
        }
        return node.ToJsonString(NightshiftJson.Options);
    }
}

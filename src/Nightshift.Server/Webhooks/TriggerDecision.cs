using Nightshift.Core.Tasks;

namespace Nightshift.Server.Webhooks;

/// <summary>What a verified delivery asks for: a task, or nothing and why.</summary>
internal sealed record TriggerDecision(NewTask? Task, string? IgnoredBecause)
{
    public static TriggerDecision Ignore(string reason) => new(null, reason);

    public static TriggerDecision Queue(NewTask task) => new(task, null);
}

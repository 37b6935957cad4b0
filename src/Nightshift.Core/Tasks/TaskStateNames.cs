using System.Collections.Frozen;

namespace Nightshift.Core.Tasks;

/// <summary>The wire names of statuses and phases, as stored in the database and shown to people.</summary>
public static class TaskStateNames
{
    public static string ToWire(this TaskState status) => status switch
    {
        TaskState.Queued => "queued",
        TaskState.Running => "running",
        TaskState.AwaitingApproval => "awaiting_approval",
        TaskState.AwaitingInput => "awaiting_input",
        TaskState.Succeeded => "succeeded",
        TaskState.Failed => "failed",
        TaskState.Cancelled => "cancelled",
        TaskState.TimedOut => "timed_out",
        TaskState.NeedsReview => "needs_review",
        TaskState.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToWire(this TaskPhase phase) => phase switch
    {
        TaskPhase.None => "none",
        TaskPhase.Preparing => "preparing",
        TaskPhase.Planning => "planning",
        TaskPhase.AwaitingApproval => "awaiting_approval",
        TaskPhase.Building => "building",
        TaskPhase.Verifying => "verifying",
        TaskPhase.Publishing => "publishing",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    // Every stored row is parsed through these; one frozen lookup each keeps that cheap.
    private static readonly FrozenDictionary<string, TaskState> States =
        Enum.GetValues<TaskState>().ToFrozenDictionary(s => s.ToWire(), StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, TaskPhase> Phases =
        Enum.GetValues<TaskPhase>().ToFrozenDictionary(p => p.ToWire(), StringComparer.OrdinalIgnoreCase);

    public static bool TryParseStatus(string? value, out TaskState status)
    {
        status = default;
        return value is not null && States.TryGetValue(value, out status);
    }

    public static TaskState ParseStatus(string value) =>
        TryParseStatus(value, out var status)
            ? status
            : throw new FormatException($"'{value}' is not a task status; expected one of: {string.Join(", ", Enum.GetValues<TaskState>().Select(s => s.ToWire()))}");

    public static bool TryParsePhase(string? value, out TaskPhase phase)
    {
        phase = default;
        return value is not null && Phases.TryGetValue(value, out phase);
    }

    public static TaskPhase ParsePhase(string value) =>
        TryParsePhase(value, out var phase)
            ? phase
            : throw new FormatException($"'{value}' is not a task phase; expected one of: {string.Join(", ", Enum.GetValues<TaskPhase>().Select(p => p.ToWire()))}");

    public static bool IsTerminal(this TaskState status) =>
        status is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled or TaskState.TimedOut or TaskState.NeedsReview or TaskState.Dead;
}

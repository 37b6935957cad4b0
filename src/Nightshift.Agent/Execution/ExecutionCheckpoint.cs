using System.Text.Json;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// What a resumed attempt needs to skip finished work. Stored as the task's checkpoint after planning, after every
/// subtask, after every verification round and after every publishing step. Fields added later default to "nothing
/// done", so a checkpoint written by an older version still reads.
/// </summary>
internal sealed record ExecutionCheckpoint
{
    /// <summary>prepared, planned, built, verified, committed, pushed, published.</summary>
    public string Stage { get; init; } = "prepared";

    public string? Summary { get; init; }

    public bool? VerificationPassed { get; init; }

    public string? VerificationSummary { get; init; }

    public int Rounds { get; init; }

    public string? Commit { get; init; }

    public string? StopReason { get; init; }

    /// <summary>The plan being built, as <c>{"subtasks": [...]}</c> (the shape submit_plan takes and the task shows).</summary>
    public string? Plan { get; init; }

    /// <summary>planned (by the plan agent), single (planning skipped), fallback (no usable plan), edited (a person replaced it at approval).</summary>
    public string? PlanMode { get; init; }

    /// <summary>The plan was handed to a person; the next attempt after approval builds it.</summary>
    public bool AwaitingApproval { get; init; }

    public bool Approved { get; init; }

    /// <summary>Subtasks finished (or stopped) so far, in the order they ran.</summary>
    public IReadOnlyList<SubtaskProgress> Subtasks { get; init; } = [];

    /// <summary>Error signature keys of the failed verification rounds, oldest first.</summary>
    public IReadOnlyList<string> ErrorSignatures { get; init; } = [];

    public bool DebugMode { get; init; }

    public static int Order(string stage) => stage switch
    {
        "prepared" => 0,
        "planned" => 1,
        "built" => 2,
        "verified" => 3,
        "committed" => 4,
        "pushed" => 5,
        "published" => 6,
        _ => 0,
    };

    public bool Reached(string stage) => Order(Stage) >= Order(stage);

    public static ExecutionCheckpoint Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new ExecutionCheckpoint();
        }
        try
        {
            var checkpoint = JsonSerializer.Deserialize<ExecutionCheckpoint>(json, NightshiftJson.Options) ?? new ExecutionCheckpoint();
            // Lists missing from an old checkpoint come back null from the serializer, not as the initialiser's empty list.
            return checkpoint with { Subtasks = checkpoint.Subtasks ?? [], ErrorSignatures = checkpoint.ErrorSignatures ?? [] };
        }
        catch (JsonException)
        {
            return new ExecutionCheckpoint();
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, NightshiftJson.Options);
}

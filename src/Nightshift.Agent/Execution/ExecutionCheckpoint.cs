using System.Text.Json;
using System.Text.Json.Serialization;
using Nightshift.Agent.Verification;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// What a resumed attempt needs to skip finished work. Stored as the task's checkpoint after planning, after every
/// subtask, after every verification round and after every publishing step. Fields added later default to "nothing
/// done", so a checkpoint written by an older version still reads.
/// </summary>
internal sealed record ExecutionCheckpoint
{
    /// <summary>The last stage finished; written as prepared, planned, built, verified, committed, pushed or published.</summary>
    public CheckpointStage Stage { get; init; } = CheckpointStage.Prepared;

    public string? Summary { get; init; }

    public bool? VerificationPassed { get; init; }

    public string? VerificationSummary { get; init; }

    public int Rounds { get; init; }

    public string? Commit { get; init; }

    public string? StopReason { get; init; }

    /// <summary>The plan being built, as <c>{"subtasks": [...]}</c> (the shape submit_plan takes and the task shows).</summary>
    public string? Plan { get; init; }

    /// <summary>Where <see cref="Plan"/> came from; null before there is one.</summary>
    public PlanMode? PlanMode { get; init; }

    /// <summary>The plan was handed to a person; the next attempt after approval builds it.</summary>
    public bool AwaitingApproval { get; init; }

    public bool Approved { get; init; }

    /// <summary>Subtasks finished (or stopped) so far, in the order they ran.</summary>
    public IReadOnlyList<SubtaskResult> Subtasks { get; init; } = [];

    /// <summary>Error signature keys of the failed verification rounds, oldest first.</summary>
    public IReadOnlyList<string> ErrorSignatures { get; init; } = [];

    public bool DebugMode { get; init; }

    /// <summary>Tests the agent declared outside the task (through finish), with its reasons; the last word on a test wins.</summary>
    public IReadOnlyList<OutOfScopeTest> OutOfScope { get; init; } = [];

    /// <summary>The one feedback round about tests that failed on the base and still fail has been sent.</summary>
    public bool PreExistingFedBack { get; init; }

    /// <summary>After the last round: tests that failed on the base, still fail, and were not declared out of scope.</summary>
    public IReadOnlyList<string> StillFailing { get; init; } = [];

    /// <summary>The agent made no change at all (so nothing was verified).</summary>
    public bool NoChange { get; init; }

    /// <summary>The finish call's answer, when the task was a question.</summary>
    public string? Answer { get; init; }

    /// <summary>
    /// The verification commands' run on the base commit, once it finished; a resumed attempt on the same commit does
    /// not run it again. Left out while there is none, so a checkpoint from before it existed is written back unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BaselineCheckpoint? Baseline { get; init; }

    public bool Reached(CheckpointStage stage) => Stage >= stage;

    /// <summary>The plan being built, read back for a resumed attempt; null when there is none, it does not parse, or it still waits for a person.</summary>
    public Plan? StoredPlan() => !AwaitingApproval && Plan is { } json && PlanParser.Parse(json) is { IsValid: true } parsed ? parsed.Plan : null;

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
            return checkpoint with
            {
                Subtasks = checkpoint.Subtasks ?? [],
                ErrorSignatures = checkpoint.ErrorSignatures ?? [],
                OutOfScope = checkpoint.OutOfScope ?? [],
                StillFailing = checkpoint.StillFailing ?? [],
            };
        }
        catch (JsonException)
        {
            return new ExecutionCheckpoint();
        }
    }

    /// <summary>The declarations so far with <paramref name="declared"/> added; a test declared again takes its newer reason.</summary>
    public ExecutionCheckpoint Declare(IReadOnlyList<OutOfScopeTest> declared, string? answer) => declared.Count == 0 && answer is null
        ? this
        : this with
        {
            OutOfScope = [.. OutOfScope.Where(o => !declared.Any(d => string.Equals(d.Test, o.Test, StringComparison.Ordinal))), .. declared],
            Answer = answer ?? Answer,
        };

    public string ToJson() => JsonSerializer.Serialize(this, NightshiftJson.Options);
}

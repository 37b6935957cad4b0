using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>What a broken promise means for the tasks it names, for the exactly-once / lost / duplicated counts.</summary>
public enum Harm
{
    /// <summary>Wrong, but neither lost nor duplicated (a wrong outcome, a failing branch, a gap in events…).</summary>
    Other,

    /// <summary>The task's work was lost: it never ended, or it ended succeeded without its branch or pull request.</summary>
    Lost,

    /// <summary>The task's work was done twice: two branches or pull requests, or a subtask built again after its checkpoint.</summary>
    Duplicated,
}

/// <summary>One violation with what it means for its tasks.</summary>
public sealed record Finding(string Check, string Message, IReadOnlyList<string> TaskIds, Harm Harm = Harm.Other)
{
    public Finding(string check, string message, string taskId, Harm harm = Harm.Other)
        : this(check, message, [taskId], harm)
    {
    }

    public Violation ToViolation() => new(Check, Message, TaskIds);
}

/// <summary>The names of the checks, as <see cref="Violation.Check"/> carries them.</summary>
public static class CheckNames
{
    public const string Ended = "ended";
    public const string Outcome = "outcome";
    public const string Delivered = "delivered";
    public const string Rebuilt = "rebuilt";
    public const string Events = "events";
    public const string Fenced = "fenced";
    public const string Leftovers = "leftovers";
}

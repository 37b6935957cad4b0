namespace Nightshift.Agent.Execution;

/// <summary>What a resumed attempt needs to skip finished work. Stored as the task's checkpoint after every phase.</summary>
internal sealed record ExecutionCheckpoint
{
    /// <summary>prepared, built, verified, committed, pushed, published.</summary>
    public string Stage { get; init; } = "prepared";

    public string? Summary { get; init; }

    public bool? VerificationPassed { get; init; }

    public string? VerificationSummary { get; init; }

    public int Rounds { get; init; }

    public string? Commit { get; init; }

    public string? StopReason { get; init; }

    public static int Order(string stage) => stage switch
    {
        "prepared" => 0,
        "built" => 1,
        "verified" => 2,
        "committed" => 3,
        "pushed" => 4,
        "published" => 5,
        _ => 0,
    };

    public bool Reached(string stage) => Order(Stage) >= Order(stage);
}

namespace Nightshift.Server.Api;

/// <summary>The body of <c>POST /api/v1/tasks</c>. Everything is optional here so that Core's validation can name each missing field.</summary>
public sealed record SubmitTaskRequest
{
    public string? Repo { get; init; }

    public string? Instruction { get; init; }

    public string? Title { get; init; }

    public string? BaseBranch { get; init; }

    /// <summary>provider/model, for example openai/gpt-4.1.</summary>
    public string? Model { get; init; }

    public int? Priority { get; init; }

    public bool? RequirePlanApproval { get; init; }

    /// <summary>Also accepted as the <c>Idempotency-Key</c> header.</summary>
    public string? IdempotencyKey { get; init; }

    public int? MaxAttempts { get; init; }
}

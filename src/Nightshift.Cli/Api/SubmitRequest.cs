namespace Nightshift.Cli.Api;

/// <summary>The body of <c>POST /api/v1/tasks</c>.</summary>
internal sealed record SubmitRequest(
    string Repo,
    string Instruction,
    string? Title,
    string? BaseBranch,
    string? Model,
    int? Priority,
    bool RequirePlanApproval,
    string? IdempotencyKey);

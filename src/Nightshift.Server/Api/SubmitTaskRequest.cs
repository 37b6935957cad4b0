using System.Text.Json.Serialization;

namespace Nightshift.Server.Api;

/// <summary>
/// The body of <c>POST /api/v1/tasks</c>. Everything is optional here so that Core's validation can name each missing field;
/// a field that is not one of these (the server-owned <c>orgId</c>, <c>id</c>, <c>status</c>, …) is refused with a 400 naming it.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
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

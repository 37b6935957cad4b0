using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>A pipeline run ended: <c>run.succeeded</c>, <c>run.needs_review</c>, <c>run.failed</c> or <c>run.cancelled</c>.</summary>
/// <param name="Reason">why it did not succeed, in words for a person; not written for a success.</param>
/// <param name="PullRequest">the pull request the run opened, if any.</param>
/// <param name="Succeeded">how many steps succeeded.</param>
/// <param name="Failed">how many steps failed.</param>
/// <param name="Skipped">how many steps were skipped.</param>
public sealed record RunFinishedPayload(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PullRequest,
    int Succeeded,
    int Failed,
    int Skipped);

namespace Nightshift.Storage.Teams;

/// <summary>One line of the append-only audit log: who did what, to what, when, and how it ended.</summary>
/// <param name="Number">ascending across the whole log; the cursor for paging.</param>
/// <param name="ActorId">the user (<c>usr_…</c>), or <c>system</c> for the server itself.</param>
/// <param name="TokenId">the token used, if any.</param>
/// <param name="Action">what was done, <c>noun.verb</c>: <c>task.submit</c>, <c>task.approve</c>, <c>token.create</c>, <c>secret.put</c>, <c>org.update</c>, …</param>
/// <param name="Target">what it was done to (a task id, a token id, a secret's name…); null when nothing in particular.</param>
/// <param name="Outcome">the HTTP status answered, or 0 for an action that did not come through the API.</param>
/// <param name="Detail">a small JSON object with more (never a secret's value, never a request body as given).</param>
public sealed record AuditEntry(
    long Number,
    string OrgId,
    DateTimeOffset At,
    string ActorId,
    string ActorName,
    string? TokenId,
    string Action,
    string? Target,
    int Outcome,
    string? Address,
    string? Detail)
{
    public const int MaxActionLength = 100;
    public const int MaxTargetLength = 200;
    public const int MaxDetailLength = 8_000;
}

public sealed record NewAuditEntry(
    string OrgId,
    string ActorId,
    string ActorName,
    string? TokenId,
    string Action,
    string? Target,
    int Outcome,
    string? Address,
    string? Detail);

/// <param name="OrgId">the organisation whose log is read; null for every organisation (installation admins only).</param>
/// <param name="Before">entries with a smaller number than this (the previous page's cursor).</param>
public sealed record AuditQuery(
    string? OrgId,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Action = null,
    string? ActorId = null,
    string? Target = null,
    long? Before = null,
    int Limit = 100)
{
    public const int MaxLimit = 1_000;
}

/// <param name="NextBefore">pass as <see cref="AuditQuery.Before"/> for the next (older) page; null at the end.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? NextBefore);

using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <param name="Cursor">the <see cref="TaskPage.NextCursor"/> of the previous page; null for the first.</param>
/// <param name="Limit">1–200.</param>
public sealed record TaskQuery(TaskState? Status = null, string? Repo = null, string? Cursor = null, int Limit = 50)
{
    /// <summary>Only this organisation's tasks; null for every organisation (the server's own loops, never a caller's request).</summary>
    public string? OrgId { get; init; }

    public const int MaxLimit = 200;
}

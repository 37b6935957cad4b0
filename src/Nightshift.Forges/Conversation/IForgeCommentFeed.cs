namespace Nightshift.Forges.Conversation;

/// <summary>
/// The comments of a whole repository, newest activity first found without knowing the thread: what reconciliation
/// needs to find <c>/nightshift</c> commands missed while the server was down. Implemented by forges whose API lists
/// them in one call (GitHub); elsewhere reconciliation reads the threads it knows one by one.
/// </summary>
public interface IForgeCommentFeed
{
    /// <summary>Comments (not review comments) on every issue and pull request created at or after <paramref name="since"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ForgeThreadComment>> ListRecentCommentsAsync(ForgeRepository repository, DateTimeOffset since, int max, CancellationToken cancellationToken = default);
}

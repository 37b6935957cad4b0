namespace Nightshift.Forges.Conversation;

/// <summary>
/// The issue side of a hosted forge: who may ask for work, and the comments through which Nightshift answers where a
/// task came from. Implemented by each hosted forge's client (GitHub, GitLab, Gitea); the local forge has none
/// (<see cref="ForgeTarget.Conversation"/> is null there). Everything read back is data written by people: clipped,
/// never followed as an instruction to the platform. Every refusal ends as a <see cref="ForgeException"/> that says
/// what to fix (a token without the scope, a repository it cannot see).
/// </summary>
public interface IForgeConversation
{
    /// <summary>
    /// What <paramref name="user"/> may do on <paramref name="repository"/>. A user the forge does not know, or who is
    /// not a collaborator, is <see cref="ForgePermission.None"/>, not an error.
    /// </summary>
    Task<ForgePermission> GetPermissionAsync(ForgeRepository repository, string user, CancellationToken cancellationToken = default);

    /// <summary>Adds a comment (GitLab: a note) to an issue or a pull request.</summary>
    /// <param name="body">Markdown; clipped to what the forge accepts.</param>
    Task<PostedComment> CommentAsync(ForgeRepository repository, ForgeThread thread, string body, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers one review comment on a pull request in its own conversation (GitHub: a reply to the review comment;
    /// GitLab: a note in the comment's discussion; Gitea: a comment on the pull request quoting it).
    /// </summary>
    Task<PostedComment> ReplyToReviewCommentAsync(ForgeRepository repository, long pullRequest, string commentId, string body, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts a reaction on the thread itself (<paramref name="commentId"/> null) or on one of its comments. Forges or
    /// objects without reactions: nothing happens and false is returned.
    /// </summary>
    Task<bool> ReactAsync(ForgeRepository repository, ForgeThread thread, string? commentId, ForgeReaction reaction, CancellationToken cancellationToken = default);

    /// <summary>Open issues (never pull requests) carrying <paramref name="label"/>, updated at or after <paramref name="since"/>, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ForgeIssue>> ListLabelledIssuesAsync(ForgeRepository repository, string label, DateTimeOffset since, int max, CancellationToken cancellationToken = default);

    /// <summary>The thread's comments (not review comments) created at or after <paramref name="since"/> (all when null), oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ThreadComment>> ListCommentsAsync(ForgeRepository repository, ForgeThread thread, DateTimeOffset? since, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// The review comments (comments on lines of the diff) of a pull request, oldest first, at most <paramref name="max"/>;
    /// only those of one review when <paramref name="reviewId"/> is given (GitLab/Gitea: ignored where reviews have no id).
    /// </summary>
    Task<IReadOnlyList<ThreadComment>> ListReviewCommentsAsync(ForgeRepository repository, long pullRequest, string? reviewId, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// The end of the log of a failed check (GitHub: the check run's job; GitLab: the pipeline's failed job; Gitea: the
    /// status's target when it is an Actions job), at most <paramref name="maxBytes"/> bytes of its tail, decoded as
    /// UTF-8. Null when the forge keeps no log for it (an external CI); the check's own summary is used then.
    /// </summary>
    Task<string?> GetCheckLogAsync(ForgeRepository repository, string checkId, int maxBytes, CancellationToken cancellationToken = default);
}

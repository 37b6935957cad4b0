using System.Collections.Concurrent;
using System.Globalization;
using Nightshift.Core.Forges;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;

namespace Nightshift.Server.Tests.ForgeStatus;

/// <summary>
/// A forge's issue side kept in memory, written to <see cref="IForgeConversation"/>'s contract, until the fake forge
/// servers speak it over HTTP: what was posted is kept and listed back, and failures can be scripted per call.
/// </summary>
internal sealed class ConversationForge : IForge, IForgeConversation, IForgeResolver
{
    private readonly ConcurrentQueue<Func<Exception?>> _faults = new();
    private int _next;

    public const string Host = "github.example";

    public string Name => "github";

    public ConcurrentQueue<(ForgeThread Thread, string Body)> Comments { get; } = new();

    public ConcurrentQueue<(long PullRequest, string CommentId, string Body)> Replies { get; } = new();

    public ConcurrentQueue<(ForgeThread Thread, string? CommentId, ForgeReaction Reaction)> Reactions { get; } = new();

    /// <summary>Runs inside a post, after the forge kept it (to stop the caller as a crash would).</summary>
    public Action? AfterPost { get; set; }

    public IReadOnlyList<ForgeEndpoint> Endpoints => [];

    /// <summary>The next <paramref name="count"/> calls fail as a forge answering <paramref name="status"/> does.</summary>
    public void FailNext(int count, int status = 500)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(() => new ForgeException($"GitHub answered {status}: try again later", status));
        }
    }

    public ForgeTarget Resolve(string repository) =>
        new(this, null, ForgeRepository.TryParse(repository) is { Host: Host } parsed ? parsed : null);

    public Task<ForgeCheck> CheckAsync(ForgeEndpoint endpoint, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PullRequest> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ForgePermission> GetPermissionAsync(ForgeRepository repository, string user, CancellationToken cancellationToken = default) =>
        Task.FromResult(ForgePermission.Write);

    public Task<PostedComment> CommentAsync(ForgeRepository repository, ForgeThread thread, string body, CancellationToken cancellationToken = default)
    {
        Fault();
        Comments.Enqueue((thread, body));
        AfterPost?.Invoke();
        return Task.FromResult(new PostedComment(NextId(), null));
    }

    public Task<PostedComment> ReplyToReviewCommentAsync(ForgeRepository repository, long pullRequest, string commentId, string body, CancellationToken cancellationToken = default)
    {
        Fault();
        Replies.Enqueue((pullRequest, commentId, body));
        AfterPost?.Invoke();
        return Task.FromResult(new PostedComment(NextId(), null));
    }

    public Task<bool> ReactAsync(ForgeRepository repository, ForgeThread thread, string? commentId, ForgeReaction reaction, CancellationToken cancellationToken = default)
    {
        Fault();
        Reactions.Enqueue((thread, commentId, reaction));
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<ForgeIssue>> ListLabelledIssuesAsync(ForgeRepository repository, string label, DateTimeOffset since, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ForgeIssue>>([]);

    public Task<IReadOnlyList<ThreadComment>> ListCommentsAsync(ForgeRepository repository, ForgeThread thread, DateTimeOffset? since, int max, CancellationToken cancellationToken = default)
    {
        Fault();
        return Task.FromResult<IReadOnlyList<ThreadComment>>(
            [.. Comments.Where(c => c.Thread == thread).Take(max).Select((c, i) => new ThreadComment($"c{i}", "nightshift-bot", true, c.Body, DateTimeOffset.UnixEpoch, null))]);
    }

    public Task<IReadOnlyList<ThreadComment>> ListReviewCommentsAsync(ForgeRepository repository, long pullRequest, string? reviewId, int max, CancellationToken cancellationToken = default)
    {
        Fault();
        return Task.FromResult<IReadOnlyList<ThreadComment>>(
            [.. Replies.Where(r => r.PullRequest == pullRequest).Take(max).Select((r, i) => new ThreadComment($"r{i}", "nightshift-bot", true, r.Body, DateTimeOffset.UnixEpoch, null))]);
    }

    public Task<string?> GetCheckLogAsync(ForgeRepository repository, string checkId, int maxBytes, CancellationToken cancellationToken = default) =>
        Task.FromResult<string?>(null);

    private void Fault()
    {
        if (_faults.TryDequeue(out var fault) && fault() is { } exception)
        {
            throw exception;
        }
    }

    private string NextId() => Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
}

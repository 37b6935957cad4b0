using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;
using Nightshift.Storage;

namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary>
/// Forges do not send a failed delivery again. A round asks each repository's forge for open issues with the trigger
/// label and for <c>/nightshift</c> comments since the last round (the first round after a start: the look-back),
/// less a margin, and hands what it finds to the intake as synthetic deliveries with stable ids, so the intake's
/// delivery dedupe and the processor's own (one open task per issue, one task per comment id) make one task at most.
/// An issue that already has a task is left alone: its label was seen. A forge that fails is logged and looked at
/// again next round from the same point, so nothing is lost.
/// </summary>
internal sealed partial class WebhookReconciler(
    IForgeResolver forges,
    IWebhookIntake intake,
    INightshiftStore store,
    WebhookActivity activity,
    IOptions<ReconcileOptions> options,
    IOptions<GitHubWebhookOptions> github,
    IOptions<TriggerOptions> triggers,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<WebhookReconciler> logger)
{
    public const string DeliveryPrefix = "reconcile:";

    public const string EventName = "reconcile";

    /// <summary>Deliveries sent just before the last round may have been in flight: look this much further back.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    public const int MaxIssues = 50;

    public const int MaxComments = 200;

    private readonly ConcurrentDictionary<(string Forge, string RepositoryUrl), DateTimeOffset> _cursors = new();

    public async Task<ReconcileRound> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var started = time.GetUtcNow();
        var repositories = Repositories();
        int handed = 0, accepted = 0, failed = 0;
        foreach (var (forge, url) in repositories)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = forges.Resolve(url);
            if (target.Conversation is not { } conversation || target.Repository is not { } repository
                || !string.Equals(target.Forge.Name, forge, StringComparison.OrdinalIgnoreCase))
            {
                // The address may carry a user name or token: only its path is logged.
                LogNoForge(logger, forge, target.Repository?.ToString() ?? "(not a repository address)");
                continue;
            }
            var since = (_cursors.TryGetValue((forge, url), out var cursor) ? cursor : started - TimeSpan.FromMinutes(options.Value.ReconcileLookbackMinutes)) - Margin;
            try
            {
                var (sent, isNew) = await ReconcileAsync(forge, url, repository, conversation, since, cancellationToken);
                handed += sent;
                accepted += isNew;
                _cursors[(forge, url)] = started;
            }
            catch (ForgeException e)
            {
                failed++;
                LogForgeFailed(logger, forge, repository.ToString(), e.Message);
            }
        }
        if (handed > 0 || failed > 0)
        {
            LogRound(logger, repositories.Count, handed, accepted, failed);
        }
        return new ReconcileRound(repositories.Count, handed, accepted, failed);
    }

    private async Task<(int Handed, int Accepted)> ReconcileAsync(
        string forge, string url, ForgeRepository repository, IForgeConversation conversation, DateTimeOffset since, CancellationToken cancellationToken)
    {
        int handed = 0, accepted = 0;
        var label = LabelOf(forge);
        var issues = await conversation.ListLabelledIssuesAsync(repository, label, since, MaxIssues, cancellationToken);
        foreach (var issue in issues)
        {
            var key = $"{forge}:{repository}#{issue.Number.ToString(CultureInfo.InvariantCulture)}".ToLowerInvariant();
            if ((await store.FindByOriginAsync(key, 1, cancellationToken)).Count > 0)
            {
                continue;
            }
            var trigger = new TriggerEvent
            {
                Forge = forge,
                Kind = TriggerKind.IssueLabelled,
                RepositoryUrl = url,
                Repository = repository.ToString(),
                Thread = new ForgeThread(ForgeThreadKind.Issue, issue.Number),
                ThreadUrl = issue.Url,
                ThreadTitle = issue.Title,
                ThreadBody = issue.Body,
                // The forges' issue listings do not say who added the label; the author stands for them.
                Actor = issue.Author,
                Label = label,
                At = issue.UpdatedAt,
            };
            accepted += await HandAsync(forge, DeliveryId("issue", $"{repository}#{issue.Number.ToString(CultureInfo.InvariantCulture)}"), trigger, cancellationToken) ? 1 : 0;
            handed++;
        }
        foreach (var found in await CommandsAsync(repository, conversation, issues, since, cancellationToken))
        {
            var comment = found.Comment;
            var trigger = new TriggerEvent
            {
                Forge = forge,
                Kind = TriggerKind.Comment,
                RepositoryUrl = url,
                Repository = repository.ToString(),
                Thread = found.Thread,
                ThreadUrl = found.ThreadUrl.Length > 0 ? found.ThreadUrl : comment.Url ?? url,
                ThreadTitle = found.Thread.ToString(),
                Actor = comment.Author,
                ActorIsBot = comment.AuthorIsBot,
                CommentId = comment.Id,
                CommentBody = comment.Body,
                At = comment.CreatedAt,
            };
            accepted += await HandAsync(forge, DeliveryId("comment", $"{repository.Host}:{comment.Id}"), trigger, cancellationToken) ? 1 : 0;
            handed++;
        }
        return (handed, accepted);
    }

    /// <summary>The repository's recent comments where the forge lists them at once; else those of the labelled issues found.</summary>
    private async Task<IReadOnlyList<ForgeThreadComment>> CommandsAsync(
        ForgeRepository repository, IForgeConversation conversation, IReadOnlyList<ForgeIssue> issues, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var word = triggers.Value.CommandWord;
        List<ForgeThreadComment> comments;
        if (conversation is IForgeCommentFeed feed)
        {
            comments = [.. await feed.ListRecentCommentsAsync(repository, since, MaxComments, cancellationToken)];
        }
        else
        {
            comments = [];
            foreach (var issue in issues)
            {
                var thread = new ForgeThread(ForgeThreadKind.Issue, issue.Number);
                comments.AddRange((await conversation.ListCommentsAsync(repository, thread, since, MaxComments, cancellationToken)).Select(c => new ForgeThreadComment(thread, issue.Url, c)));
            }
        }
        return [.. comments.Where(c => !c.Comment.AuthorIsBot
            && !c.Comment.Body.Contains(TriggerProcessor.Marker, StringComparison.OrdinalIgnoreCase)
            && CommentCommand.TryParse(c.Comment.Body, word, out _))];
    }

    private async Task<bool> HandAsync(string forge, string deliveryId, TriggerEvent trigger, CancellationToken cancellationToken)
    {
        var receipt = await intake.AcceptAsync(forge, deliveryId, EventName, trigger, null, cancellationToken);
        var isNew = receipt.Status == WebhookIntake.Accepted;
        if (isNew)
        {
            LogFound(logger, forge, trigger.Kind, trigger.Thread.ToString(), trigger.Repository, deliveryId);
        }
        return isNew;
    }

    private IReadOnlyList<(string Forge, string RepositoryUrl)> Repositories()
    {
        var all = new List<(string, string)>();
        var configured = options.Value;
        foreach (var (forge, entry) in new[] { ("github", configured.GitHub), ("gitlab", configured.GitLab), ("gitea", configured.Gitea) })
        {
            all.AddRange((entry?.Repositories ?? []).Select(url => (forge, url.Trim())));
        }
        all.AddRange(activity.Repositories());
        return [.. all.DistinctBy(r => (r.Item1, ForgeRepository.TryParse(r.Item2)?.ToString().ToLowerInvariant() ?? r.Item2))];
    }

    private string LabelOf(string forge) => forge switch
    {
        "github" => github.Value.Label,
        "gitlab" => configuration["Webhooks:GitLab:Label"] is { Length: > 0 } gitlab ? gitlab : GitHubWebhookOptions.DefaultLabel,
        _ => configuration["Webhooks:Gitea:Label"] is { Length: > 0 } gitea ? gitea : GitHubWebhookOptions.DefaultLabel,
    };

    /// <summary>Stable for the same issue or comment, within the store's 100 characters (a long path is hashed).</summary>
    private static string DeliveryId(string kind, string subject)
    {
        var id = $"{DeliveryPrefix}{kind}:{subject}";
        if (id.Length <= WebhookDelivery.MaxDeliveryIdLength && !id.Any(char.IsControl))
        {
            return id;
        }
        return $"{DeliveryPrefix}{kind}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject.ToLowerInvariant())))[..40]}";
    }

    [LoggerMessage(EventId = 7250, Level = LogLevel.Information, Message = "reconciliation: {Forge} {Kind} on {Thread} of {Repository} was missed while down; handed to the intake as {Delivery}")]
    private static partial void LogFound(ILogger logger, string forge, TriggerKind kind, string thread, string repository, string delivery);

    [LoggerMessage(EventId = 7251, Level = LogLevel.Information, Message = "reconciliation round: {Repositories} repositories, {Handed} found, {Accepted} new, {Failed} forges failed")]
    private static partial void LogRound(ILogger logger, int repositories, int handed, int accepted, int failed);

    [LoggerMessage(EventId = 7252, Level = LogLevel.Warning, Message = "reconciliation: {Forge} did not answer for {Repository}, looked at again next round from the same point: {Reason}")]
    private static partial void LogForgeFailed(ILogger logger, string forge, string repository, string reason);

    [LoggerMessage(EventId = 7253, Level = LogLevel.Warning, Message = "reconciliation: {Repository} is listed for {Forge}, but no configured forge of that kind serves it (Forges:<name>:Host); it is skipped")]
    private static partial void LogNoForge(ILogger logger, string forge, string repository);
}

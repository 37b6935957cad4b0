using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Forges.Conversation;

namespace Nightshift.Server.Webhooks;

internal sealed partial class TriggerProcessor
{
    private async Task<TriggerOutcome> LabelledAsync(TriggerContext context, CancellationToken cancellationToken)
    {
        var trigger = context.Trigger;
        if (trigger.Thread.Kind != ForgeThreadKind.Issue)
        {
            return TriggerOutcome.Skipped("a label starts work on issues only");
        }
        if (await GateAsync(context, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (await OpenTaskAsync(context.ThreadKey, cancellationToken) is { } open)
        {
            return new TriggerOutcome("skipped", open.Id, $"task {open.Id} for this issue is still {open.Status.ToWire()}; one open task per issue");
        }
        var comments = await context.Forge.ListCommentsAsync(context.Repository, trigger.Thread, null, MaxComments, cancellationToken);
        var instruction = TriggerInstructions.Issue(trigger, [.. comments.Where(c => !IsNightshifts(c))], github.Value.MaxInstructionChars);
        return await SubmitAsync(
            context,
            new NewTask
            {
                Repo = trigger.RepositoryUrl,
                Instruction = instruction,
                Title = TaskTitle(trigger.ThreadTitle, trigger.ThreadUrl),
                IdempotencyKey = $"{trigger.Forge}:{context.DeliveryId}",
                Source = trigger.Forge,
                Origin = context.Origin(),
            },
            cancellationToken);
    }

    private async Task<TriggerOutcome> CommentAsync(TriggerContext context, CancellationToken cancellationToken)
    {
        var trigger = context.Trigger;
        if (!CommentCommand.TryParse(trigger.CommentBody, options.Value.CommandWord, out var asked))
        {
            return await ForwardAsync(context, cancellationToken);
        }
        if (await GateAsync(context, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (asked.Length == 0)
        {
            await context.Forge.CommentAsync(context.Repository, trigger.Thread, UsageHelp(), cancellationToken);
            return TriggerOutcome.Replied("an empty command: usage help was posted");
        }
        var key = Key(trigger.Forge, "comment", trigger.Repository, trigger.CommentId ?? context.DeliveryId);
        if (trigger.Thread.Kind == ForgeThreadKind.Issue)
        {
            return await SubmitAsync(
                context,
                new NewTask
                {
                    Repo = trigger.RepositoryUrl,
                    Instruction = TriggerInstructions.Command(trigger, asked, followUp: false, github.Value.MaxInstructionChars),
                    Title = TaskTitle(NewTask.DeriveTitle(asked), trigger.ThreadUrl),
                    IdempotencyKey = key,
                    Source = trigger.Forge,
                    Origin = context.Origin(commentId: trigger.CommentId),
                },
                cancellationToken);
        }
        if (await OwnPullRequestTaskAsync(context, cancellationToken) is not { } parent)
        {
            await context.Forge.CommentAsync(
                context.Repository,
                trigger.Thread,
                Notice($"Nightshift continues only pull requests it opened, and this one is not among them. To ask for a change here, open an issue and label it `{Plain(LabelOf(context.Trigger.Forge))}`, or post `/{options.Value.CommandWord} <what to do>` on an issue."),
                cancellationToken);
            return TriggerOutcome.Replied("a command on a pull request Nightshift did not open");
        }
        return await SubmitAsync(context, FollowUp(context, parent, TriggerInstructions.Command(trigger, asked, followUp: true, github.Value.MaxInstructionChars), NewTask.DeriveTitle(asked), key, context.Origin(commentId: trigger.CommentId)), cancellationToken);
    }

    private async Task<TriggerOutcome> ForwardAsync(TriggerContext context, CancellationToken cancellationToken)
    {
        var linked = await OpenTaskAsync(context.ThreadKey, cancellationToken);
        if (linked is null && context.Trigger.Thread.Kind == ForgeThreadKind.PullRequest
            && await OwnPullRequestTaskAsync(context, cancellationToken) is { } own && !own.Status.IsTerminal())
        {
            linked = own;
        }
        if (linked is null)
        {
            return TriggerOutcome.Skipped("an ordinary comment, and no task of this thread is open to read it");
        }
        if (context.Trigger.ActorIsBot || await PermissionAsync(context, cancellationToken) < ForgePermission.Write)
        {
            // Not a request to Nightshift, so no refusal is posted: the comment is simply not passed on.
            return TriggerOutcome.Skipped("only people with write access talk to a running task; the comment was not passed on");
        }
        var text = (context.Trigger.CommentBody ?? "").Trim();
        if (text.Length == 0)
        {
            return new TriggerOutcome("skipped", linked.Id, "an empty comment says nothing to the task");
        }
        try
        {
            var message = new TaskMessage(context.Trigger.Actor, context.Trigger.Forge, Clip(StripControl(text), TaskMessage.MaxTextLength)).Validated();
            await store.AddMessageAsync(linked.Id, message, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidTransitionException or TaskNotFoundException or ValidationException)
        {
            return new TriggerOutcome("skipped", linked.Id, $"the comment could not be passed on to task {linked.Id}: {ex.Message}");
        }
        return new TriggerOutcome("forwarded", linked.Id, null);
    }

    private async Task<TriggerOutcome> ReviewAsync(TriggerContext context, CancellationToken cancellationToken)
    {
        var trigger = context.Trigger;
        if (await OwnPullRequestTaskAsync(context, cancellationToken) is not { } parent)
        {
            return TriggerOutcome.Skipped("a review of a pull request Nightshift did not open");
        }
        if (await GateAsync(context, cancellationToken) is { } refused)
        {
            return refused;
        }
        var listed = await context.Forge.ListReviewCommentsAsync(context.Repository, trigger.Thread.Number, trigger.ReviewId, TaskOrigin.MaxReviewComments, cancellationToken);
        var comments = listed.Where(c => !IsNightshifts(c)).Take(TaskOrigin.MaxReviewComments).ToList();
        if (comments.Count == 0 && string.IsNullOrWhiteSpace(trigger.ReviewBody))
        {
            return TriggerOutcome.Skipped("the review has neither text nor comments to address");
        }
        var key = Key(trigger.Forge, "review", trigger.Repository + "#" + trigger.Thread.Number.ToString(CultureInfo.InvariantCulture), trigger.ReviewId ?? context.DeliveryId);
        return await SubmitAsync(
            context,
            FollowUp(
                context,
                parent,
                TriggerInstructions.Review(trigger, comments, github.Value.MaxInstructionChars),
                $"Address the review by {trigger.Actor}",
                key,
                context.Origin(reviewComments: [.. comments.Select(c => c.Id)])),
            cancellationToken);
    }

    private async Task<TriggerOutcome> CheckFailedAsync(TriggerContext context, CancellationToken cancellationToken)
    {
        var trigger = context.Trigger;
        // No actor is checked: the check belongs to Nightshift's own pull request, and the rounds are bounded.
        if (trigger.FromFork || await OwnPullRequestTaskAsync(context, cancellationToken) is not { } parent)
        {
            return TriggerOutcome.Skipped("a failed check on a pull request Nightshift did not open");
        }
        var tasks = await store.FindByOriginAsync(context.ThreadKey, 200, cancellationToken);
        if (tasks.FirstOrDefault(t => !t.Status.IsTerminal()) is { } running)
        {
            return new TriggerOutcome("skipped", running.Id, $"task {running.Id} is still working on this pull request; its push runs the checks again");
        }
        var fixPrefix = Key(trigger.Forge, "fix", context.ThreadKey, "");
        var rounds = tasks.Count(t => t.IdempotencyKey?.StartsWith(fixPrefix, StringComparison.Ordinal) == true);
        var maxRounds = options.Value.MaxFixRounds;
        if (rounds >= maxRounds)
        {
            // One such reply per pull request: later failures change nothing it says.
            if (await store.TryReserveNoticeAsync($"fix-bound:{context.ThreadKey}", TimeSpan.FromDays(3650), cancellationToken))
            {
                await context.Forge.CommentAsync(
                    context.Repository,
                    trigger.Thread,
                    Notice($"The check `{Plain(trigger.CheckName ?? "check")}` failed again, and Nightshift has used its {maxRounds.ToString(CultureInfo.InvariantCulture)} automatic fix rounds for this pull request (Webhooks:MaxFixRounds), so it stops here. A person with write access can ask for another try with `/{options.Value.CommandWord} <what to fix>`."),
                    cancellationToken);
                return TriggerOutcome.Replied($"the bound of {maxRounds} automatic fix rounds was reached; a reply says so");
            }
            return TriggerOutcome.Skipped($"the bound of {maxRounds} automatic fix rounds was reached");
        }
        var log = trigger.CheckId is { } checkId ? await context.Forge.GetCheckLogAsync(context.Repository, checkId, MaxLogBytes, cancellationToken) : null;
        var round = rounds + 1;
        // The round is in the key: two servers acting on two failures at once make one task for the round.
        return await SubmitAsync(
            context,
            FollowUp(
                context,
                parent,
                TriggerInstructions.CheckFix(trigger, log, round, maxRounds, github.Value.MaxInstructionChars),
                $"Fix the failed check {trigger.CheckName}",
                fixPrefix + round.ToString(CultureInfo.InvariantCulture),
                context.Origin()),
            cancellationToken);
    }

    /// <summary>Refuses bots, forks' authors and people without write access: nothing runs, and one polite reply per actor, thread and hour.</summary>
    /// <returns>null when the actor may trigger.</returns>
    private async Task<TriggerOutcome?> GateAsync(TriggerContext context, CancellationToken cancellationToken)
    {
        var trigger = context.Trigger;
        string? why = null;
        if (trigger.ActorIsBot)
        {
            why = "it comes from a bot account, and only people start work here";
        }
        else if (trigger.FromFork)
        {
            why = "this pull request's branch lives in a fork, and Nightshift works only on branches of this repository";
        }
        else if (await PermissionAsync(context, cancellationToken) < ForgePermission.Write)
        {
            why = $"`{Plain(trigger.Actor)}` does not have write access to {Plain(trigger.Repository)}, and only people who can push to the repository start work here";
        }
        if (why is null)
        {
            return null;
        }
        LogRefusal(logger, trigger.Actor, trigger.Repository, trigger.Thread.ToString(), why);
        var noticeKey = $"refusal:{context.ThreadKey}:{trigger.Actor}".ToLowerInvariant();
        if (await store.TryReserveNoticeAsync(Clip(noticeKey, 400), RefusalWindow, cancellationToken))
        {
            await context.Forge.CommentAsync(
                context.Repository,
                trigger.Thread,
                Notice($"Nightshift did not act on this: {why}. Nothing was started. Someone with write access to the repository can ask instead (the label `{Plain(LabelOf(context.Trigger.Forge))}` on an issue, or a `/{options.Value.CommandWord} <what to do>` comment)."),
                cancellationToken);
        }
        return TriggerOutcome.Refused(why.Replace("`", "", StringComparison.Ordinal));
    }

    private Task<ForgePermission> PermissionAsync(TriggerContext context, CancellationToken cancellationToken) =>
        permissions.GetAsync(context.Forge, context.Repository, context.Trigger.Actor, cancellationToken);

    private async Task<TaskRecord?> OpenTaskAsync(string originKey, CancellationToken cancellationToken) =>
        (await store.FindByOriginAsync(originKey, 50, cancellationToken)).FirstOrDefault(t => !t.Status.IsTerminal());

    /// <summary>The task whose pull request this thread is (found by its address or head branch, in the same repository), newest first.</summary>
    private async Task<TaskRecord?> OwnPullRequestTaskAsync(TriggerContext context, CancellationToken cancellationToken)
    {
        if (context.Trigger.Thread.Kind != ForgeThreadKind.PullRequest)
        {
            return null;
        }
        var candidates = await store.FindByPullRequestAsync(context.Trigger.ThreadUrl, context.Trigger.HeadBranch, 20, cancellationToken);
        return candidates.FirstOrDefault(t => Forges.ForgeRepository.TryParse(t.Repo) is { } repo
            && string.Equals(repo.Host, context.Repository.Host, StringComparison.OrdinalIgnoreCase)
            && string.Equals($"{repo.Owner}/{repo.Name}", $"{context.Repository.Owner}/{context.Repository.Name}", StringComparison.OrdinalIgnoreCase));
    }

    private static NewTask FollowUp(TriggerContext context, TaskRecord parent, string instruction, string title, string key, TaskOrigin origin) => new()
    {
        Repo = parent.Repo,
        BaseBranch = parent.BaseBranch,
        Model = parent.Model,
        Instruction = instruction,
        Title = TaskTitle(title, context.Trigger.ThreadUrl),
        IdempotencyKey = key,
        Source = context.Trigger.Forge,
        Origin = origin,
        FollowUpOf = parent.Id,
    };

    private async Task<TriggerOutcome> SubmitAsync(TriggerContext context, NewTask wanted, CancellationToken cancellationToken)
    {
        NewTask task;
        try
        {
            task = (wanted with { OrgId = await ForgeTaskOrg.ResolveAsync(store, wanted.Repo, cancellationToken) }).Validated();
            await repositoryGate.EnsureAllowedAsync(task, cancellationToken);
        }
        catch (ValidationException refused)
        {
            return TriggerOutcome.Skipped($"the {context.Trigger.Thread} cannot become a task: {refused.Message}");
        }
        var submitted = await store.SubmitAsync(task, cancellationToken);
        if (submitted.Created)
        {
            metrics.TaskSubmitted();
            metrics.EventsAppended();
        }
        return TriggerOutcome.Queued(submitted.Task.Id);
    }

    private string UsageHelp()
    {
        var word = options.Value.CommandWord;
        return Notice(
            $"Nightshift needs to be told what to do after the command, for example:\n\n" +
            $"    /{word} add a test for the empty config file\n\n" +
            $"On an issue this starts a task that opens a pull request; on a pull request Nightshift opened, it commits the change on top of it. " +
            $"Only people with write access to the repository can use it.");
    }

    private static string StripControl(string text) =>
        new([.. text.Where(c => !char.IsControl(c) || c is '\n' or '\r' or '\t')]);

    private static string Notice(string text) => $"{NoticeMarker}\n{text}";

    private static bool IsNightshifts(ThreadComment comment) => comment.Body.Contains(Marker, StringComparison.OrdinalIgnoreCase);

    /// <summary>A name from a delivery, made safe to put in a code span: no backticks, no line breaks, short.</summary>
    private static string Plain(string text) =>
        Clip(new string([.. text.Where(c => !char.IsControl(c) && c != '`')]), 100);

    private static string Key(string forge, string kind, string scope, string id)
    {
        var key = $"{forge}:{kind}:{scope.ToLowerInvariant()}:{id}";
        if (key.Length <= NewTask.MaxIdempotencyKeyLength)
        {
            return key;
        }
        // A long repository path is hashed so the key still fits and stays the same for the same thread.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope.ToLowerInvariant())))[..32];
        return $"{forge}:{kind}:{hash}:{id}";
    }

    private static string TaskTitle(string title, string url)
    {
        var room = NewTask.MaxTitleLength - url.Length - 3;
        var line = new string([.. title.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return room < 20 ? Clip(line, NewTask.MaxTitleLength) : $"{Clip(line, room)} ({url})";
    }

    private static string Clip(string text, int max) => WebhookJson.Clip(text, max);
}

using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Forges;
using Nightshift.Forges.Conversation;
using Nightshift.Server.Metrics;
using Nightshift.Server.Repositories;
using Nightshift.Storage;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// Acts on the triggers the intake kept, in the background, wherever the API runs. Each is claimed with a lease (two
/// servers never act on one delivery), retried with backoff while the forge cannot be reached, and given up after
/// <see cref="MaxAttempts"/> tries with the reason kept. Woken at once by the intake of this process; polls for the rest.
/// </summary>
internal sealed partial class TriggerProcessor(
    INightshiftStore store,
    IForgeResolver forges,
    IRepositoryGate repositoryGate,
    ServerMetrics metrics,
    TriggerSignal signal,
    PermissionCache permissions,
    IOptions<TriggerOptions> options,
    IOptions<GitHubWebhookOptions> github,
    IOptions<GitLabWebhookOptions> gitlab,
    IOptions<GiteaWebhookOptions> gitea,
    TimeProvider time,
    ILogger<TriggerProcessor> logger) : BackgroundService
{
    public const int MaxAttempts = 5;

    /// <summary>Marks every comment Nightshift posts; comments carrying it are never acted on.</summary>
    public const string Marker = "<!-- nightshift";

    public const string NoticeMarker = "<!-- nightshift:notice -->";

    private const int MaxComments = 50;
    private const int MaxLogBytes = 16 * 1024;

    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    internal static readonly TimeSpan RefusalWindow = TimeSpan.FromHours(1);

    private readonly string _owner = WebhookJson.Clip($"{Guid.NewGuid():N}:{Environment.ProcessId}:{Environment.MachineName}", 150);

    /// <summary>The label that asks for a task on <paramref name="forge"/>'s issues, as its webhook settings name it.</summary>
    private string LabelOf(string forge) => forge switch
    {
        "gitlab" => gitlab.Value.Label,
        "gitea" => gitea.Value.Label,
        _ => github.Value.Label,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ProcessNextAsync(stoppingToken))
                {
                    // Drain what is due before waiting again.
                }
                await signal.WaitAsync(PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is unreachable, say: wait one interval and try again.
                LogLoopFailed(logger, ex);
                try
                {
                    await signal.WaitAsync(PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and acts on one due trigger.</summary>
    /// <returns>false when nothing was due.</returns>
    public async Task<bool> ProcessNextAsync(CancellationToken cancellationToken = default)
    {
        var claim = await store.ClaimTriggerAsync(_owner, Lease, cancellationToken);
        if (claim is null)
        {
            return false;
        }
        TriggerEvent trigger;
        try
        {
            trigger = TriggerEventJson.Read(claim.TriggerJson);
        }
        catch (JsonException ex)
        {
            await store.ReleaseTriggerAsync(claim, null, $"the kept trigger cannot be read by this version ({ex.Message})", CancellationToken.None);
            return true;
        }

        TriggerOutcome outcome;
        try
        {
            outcome = await DecideAsync(trigger, claim.DeliveryId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Left claimed: the lease runs out and the trigger is claimed again.
            throw;
        }
        catch (Exception ex)
        {
            var reason = $"attempt {claim.Attempts.ToString(CultureInfo.InvariantCulture)} failed: {ex.Message}";
            if (claim.Attempts >= MaxAttempts)
            {
                LogGaveUp(logger, claim.Forge, claim.DeliveryId, claim.Attempts, ex.Message);
                await store.ReleaseTriggerAsync(claim, null, $"gave up after {MaxAttempts} tries; the last said: {ex.Message}", CancellationToken.None);
            }
            else
            {
                var retryAt = time.GetUtcNow() + Backoff(claim.Attempts);
                LogRetrying(logger, claim.Forge, claim.DeliveryId, retryAt, ex.Message);
                await store.ReleaseTriggerAsync(claim, retryAt, reason, CancellationToken.None);
            }
            return true;
        }

        if (!await store.FinishTriggerAsync(claim, outcome.Outcome, outcome.TaskId, outcome.Reason, CancellationToken.None))
        {
            LogLostClaim(logger, claim.Forge, claim.DeliveryId);
        }
        else
        {
            LogActed(logger, claim.Forge, claim.DeliveryId, outcome.Outcome, outcome.TaskId ?? "-", outcome.Reason ?? "");
        }
        return true;
    }

    /// <summary>Ten seconds, doubling per attempt, at most ten minutes.</summary>
    internal static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(600, 10 * Math.Pow(2, Math.Max(0, attempts - 1))));

    private async Task<TriggerOutcome> DecideAsync(TriggerEvent trigger, string deliveryId, CancellationToken cancellationToken)
    {
        if (trigger.Kind == TriggerKind.Comment && (trigger.CommentBody ?? "").Contains(Marker, StringComparison.OrdinalIgnoreCase))
        {
            return TriggerOutcome.Skipped("the comment is Nightshift's own");
        }
        var target = forges.Resolve(trigger.RepositoryUrl);
        var repository = target.Repository ?? ForgeRepository.TryParse(trigger.RepositoryUrl);
        if (target.Conversation is not { } forge || repository is null)
        {
            return TriggerOutcome.Skipped($"the forge of {trigger.RepositoryUrl} cannot check who asked or answer there (no issue support); nothing runs");
        }
        var context = new TriggerContext(trigger, deliveryId, forge, repository);
        return trigger.Kind switch
        {
            TriggerKind.IssueLabelled => await LabelledAsync(context, cancellationToken),
            TriggerKind.Comment => await CommentAsync(context, cancellationToken),
            TriggerKind.Review => await ReviewAsync(context, cancellationToken),
            TriggerKind.CheckFailed => await CheckFailedAsync(context, cancellationToken),
            _ => TriggerOutcome.Skipped($"the trigger kind {trigger.Kind} is not handled"),
        };
    }

    [LoggerMessage(EventId = 3308, Level = LogLevel.Information, Message = "{Forge} delivery {Delivery}: {Outcome} (task {TaskId}) {Reason}")]
    private static partial void LogActed(ILogger logger, string forge, string delivery, string outcome, string taskId, string reason);

    [LoggerMessage(EventId = 3309, Level = LogLevel.Warning, Message = "{Forge} delivery {Delivery} could not be acted on; trying again at {RetryAt}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string forge, string delivery, DateTimeOffset retryAt, string reason);

    [LoggerMessage(EventId = 3310, Level = LogLevel.Error, Message = "{Forge} delivery {Delivery} given up after {Attempts} tries: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, string forge, string delivery, int attempts, string reason);

    [LoggerMessage(EventId = 3311, Level = LogLevel.Warning, Message = "{Forge} delivery {Delivery}: the claim ran out before the outcome was written; another server acts on it")]
    private static partial void LogLostClaim(ILogger logger, string forge, string delivery);

    [LoggerMessage(EventId = 3312, Level = LogLevel.Error, Message = "The trigger processor failed and tries again shortly")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3313, Level = LogLevel.Information, Message = "Refused a trigger by {Actor} on {Repository} {Thread}: {Reason}")]
    private static partial void LogRefusal(ILogger logger, string actor, string repository, string thread, string reason);
}

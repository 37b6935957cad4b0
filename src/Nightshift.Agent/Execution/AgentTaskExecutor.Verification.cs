using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Agent.Verification;
using Nightshift.Core.Events;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution;

public sealed partial class AgentTaskExecutor
{
    /// <summary>
    /// Verifies the whole change and feeds failures back until it passes, the agent stops early or the rounds run out.
    /// Once one error signature has failed <see cref="AgentOptions.DebugModeAfter"/> rounds, the feedback becomes the
    /// debugging prompt for the remaining rounds. The round count and signatures are checkpointed, so a resumed attempt
    /// continues the count.
    /// </summary>
    private async Task VerifyRoundsAsync(TaskAttempt attempt, Verifier verifier, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var checkpoint = attempt.Checkpoint;
        var summary = checkpoint.Summary;
        var stopReason = checkpoint.StopReason;
        var rounds = checkpoint.Rounds;
        var tracker = new DebugModeTracker(_options.DebugModeAfter, checkpoint.ErrorSignatures);
        var debug = checkpoint.DebugMode || tracker.Active;
        if (attempt.Conversation is null && !attempt.OneSubtaskMode)
        {
            await RenderRepoMapAsync(attempt, null, cancellationToken);
        }
        var conversation = attempt.Conversation ?? FixConversation(attempt);
        var loop = new AgentLoop(attempt.Model.Client, ToolBox.BuildTools(), Tools(attempt, attempt.Workspace, "agent"), new RunObserver(run, "build"), attempt.Model.Meter, attempt.Budget, time);
        VerificationResult verdict;
        while (true)
        {
            await run.SetPhaseAsync(TaskPhase.Verifying, cancellationToken);
            rounds++;
            verdict = await VerifyRoundAsync(verifier, rounds, run, cancellationToken);
            var signature = ErrorSignature.Of(verdict);
            var switched = signature is not null && tracker.Record(signature);
            if (verdict.Passed || stopReason is not null || rounds > _options.VerificationRounds)
            {
                break;
            }
            if (switched && !debug)
            {
                debug = true;
                await run.EmitAsync(EventTypes.VerifyDebugMode, NightshiftJson.Payload(new
                {
                    round = rounds,
                    signature = signature!.Key,
                    failure = signature.Description,
                    failedRounds = tracker.Count(signature),
                }), cancellationToken);
            }
            await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
            conversation.Add(new ChatMessage(ChatRole.User, debug && signature is not null
                ? Prompts.Debug(verdict, signature, tracker.Count(signature))
                : Verifier.Feedback(verdict)));
            var again = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
            if (attempt.OneSubtaskMode)
            {
                summary = again.Summary ?? summary;
            }
            stopReason = again.StopReason;
            await attempt.UpdateAsync(c => c with
            {
                Summary = summary,
                StopReason = stopReason,
                Rounds = rounds,
                ErrorSignatures = [.. tracker.History],
                DebugMode = debug,
            }, cancellationToken);
        }
        await attempt.UpdateAsync(c => c with
        {
            Stage = "verified",
            Summary = summary,
            StopReason = stopReason,
            Rounds = rounds,
            VerificationPassed = verdict.Passed,
            VerificationSummary = verdict.Summary,
            ErrorSignatures = [.. tracker.History],
            DebugMode = debug,
        }, cancellationToken);
    }

    /// <summary>The conversation a feedback round starts from when no build conversation is at hand (a planned build, or a resumed attempt).</summary>
    private static List<ChatMessage> FixConversation(TaskAttempt attempt) =>
    [
        new(ChatRole.System, Prompts.System(attempt.Verification)),
        new(ChatRole.User, attempt.OneSubtaskMode
            ? Prompts.Task(attempt.Task, attempt.AgentsMd, attempt.Config, attempt.RepoMap)
            : Prompts.FixRound(attempt.Task, attempt.AgentsMd, attempt.Config, attempt.RepoMap, attempt.Checkpoint.Subtasks)),
    ];

    private static async Task<VerificationResult> VerifyRoundAsync(Verifier verifier, int round, ITaskRun run, CancellationToken cancellationToken)
    {
        await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new { baseline = false, round, commands = verifier.Commands }), cancellationToken);
        var verdict = await verifier.VerifyAsync(cancellationToken);
        await run.EmitAsync(verdict.Passed ? EventTypes.VerifyPassed : EventTypes.VerifyFailed, NightshiftJson.Payload(new
        {
            round,
            summary = verdict.Summary,
            newFailures = verdict.NewFailures.Take(50),
            preExistingFailures = verdict.PreExistingFailures.Take(50),
            skipped = verdict.NothingToRun,
        }), cancellationToken);
        return verdict;
    }
}

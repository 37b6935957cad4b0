using Microsoft.Extensions.AI;
using Nightshift.Agent.Verification;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution.Phases;

/// <summary>Verification rounds of the whole change, with feedback to the build agent, until it passes or the rounds run out.</summary>
internal sealed class VerifyPhase(ITaskWorkspaces workspaces, AgentOptions options, TaskSandbox sandbox, RepoMapRenderer repoMaps) : ITaskPhase
{
    public CheckpointStage? DoneAt => CheckpointStage.Verified;

    public async Task<TaskOutcome?> RunAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        await VerifyRoundsAsync(attempt, cancellationToken);
        return null;
    }

    /// <summary>
    /// Verifies the whole change and feeds failures back until it passes, the agent stops early or the rounds run out.
    /// Once one error signature has failed <see cref="AgentOptions.DebugModeAfter"/> rounds, the feedback becomes the
    /// debugging prompt for the remaining rounds. Tests that failed on the base and still fail are not blamed, but not
    /// credited either: they are fed back once, and the change passes only when they pass too or the agent declared each
    /// out of scope with a reason. No change at all, or no command to run, is recorded without a round. The round
    /// count, signatures and declarations are checkpointed, so a resumed attempt continues them.
    /// </summary>
    private async Task VerifyRoundsAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var run = attempt.Run;
        var verifier = attempt.Verifier;
        if ((await workspaces.DiffAsync(attempt.Workspace, cancellationToken)).Length == 0)
        {
            // Nothing to verify; publishing ends the task (failed, or answered when the task was a question).
            await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Verified, NoChange = true, VerificationPassed = false, VerificationSummary = "no change was made" }, cancellationToken);
            return;
        }
        if (verifier.Commands.Count == 0)
        {
            await RecordUnverifiedAsync(attempt, cancellationToken);
            return;
        }
        var checkpoint = attempt.Checkpoint;
        var summary = checkpoint.Summary;
        var stopReason = checkpoint.StopReason;
        var rounds = checkpoint.Rounds;
        var tracker = new DebugModeTracker(options.DebugModeAfter, checkpoint.ErrorSignatures);
        var debug = checkpoint.DebugMode || tracker.Active;
        var fedBack = checkpoint.PreExistingFedBack;
        if (attempt.Conversation is null && !attempt.OneSubtaskMode)
        {
            await repoMaps.RenderAsync(attempt, null, cancellationToken);
        }
        var conversation = attempt.Conversation ?? FixConversation(attempt);
        var loop = sandbox.BuildAgent(attempt, attempt.Workspace, "build");
        VerificationResult verdict;
        bool clean;
        IReadOnlyList<string> uncovered;
        while (true)
        {
            await run.SetPhaseAsync(TaskPhase.Verifying, cancellationToken);
            rounds++;
            await run.EmitAsync(EventTypes.VerifyStarted, NightshiftJson.Payload(new VerifyStartedPayload(false, rounds, verifier.Commands)), cancellationToken);
            verdict = await verifier.VerifyAsync(cancellationToken);
            uncovered = [.. verdict.PreExistingFailures.Where(t => !attempt.Checkpoint.OutOfScope.Any(o => string.Equals(o.Test, t, StringComparison.Ordinal))).Order(StringComparer.Ordinal)];
            clean = verdict.AllPassed || (verdict.Passed && uncovered.Count == 0);
            await EmitVerdictAsync(run, rounds, verdict, clean, DeclaredFor(attempt, verdict), cancellationToken);
            var signature = ErrorSignature.Of(verdict);
            var switched = signature is not null && tracker.Record(signature);
            var onlyPreExisting = verdict.Passed && uncovered.Count > 0;
            // The one message about old failures is owed even when the rounds for new ones are used up.
            if (clean || stopReason is not null || (onlyPreExisting ? fedBack : rounds > options.VerificationRounds))
            {
                break;
            }
            string feedback;
            if (onlyPreExisting)
            {
                fedBack = true;
                feedback = Verifier.PreExistingFeedback(verdict, uncovered);
            }
            else
            {
                if (switched && !debug)
                {
                    debug = true;
                    await run.EmitAsync(EventTypes.VerifyDebugMode, NightshiftJson.Payload(new VerifyDebugModePayload(
                        rounds, signature!.Key, signature.Description, tracker.Count(signature))), cancellationToken);
                }
                feedback = debug && signature is not null ? Prompts.Debug(verdict, signature, tracker.Count(signature)) : Verifier.Feedback(verdict);
            }
            await run.SetPhaseAsync(TaskPhase.Building, cancellationToken);
            conversation.Add(new ChatMessage(ChatRole.User, feedback));
            var again = await loop.RunAsync(conversation, pinned: 2, cancellationToken);
            if (attempt.OneSubtaskMode)
            {
                summary = again.Summary ?? summary;
            }
            stopReason = again.StopReason;
            await attempt.UpdateAsync(c => c.Declare(again.OutOfScope, again.Answer) with
            {
                Summary = summary,
                StopReason = stopReason,
                Rounds = rounds,
                ErrorSignatures = [.. tracker.History],
                DebugMode = debug,
                PreExistingFedBack = fedBack,
            }, cancellationToken);
        }
        var declared = DeclaredFor(attempt, verdict);
        var account = verdict.Summary;
        if (clean && declared.Count > 0)
        {
            account = $"verification passed apart from {declared.Count} test(s) that already failed on the base branch and were declared out of scope ({string.Join(", ", declared.Select(d => d.Test).Take(5))}{(declared.Count > 5 ? ", …" : "")})";
        }
        else if (!clean && verdict.Passed)
        {
            account = $"{uncovered.Count} test(s) that already failed on the base branch still fail and were not declared out of scope ({string.Join(", ", uncovered.Take(5))}{(uncovered.Count > 5 ? ", …" : "")})";
        }
        await attempt.UpdateAsync(c => c with
        {
            Stage = CheckpointStage.Verified,
            Summary = summary,
            StopReason = stopReason,
            Rounds = rounds,
            VerificationPassed = clean,
            VerificationSummary = account,
            ErrorSignatures = [.. tracker.History],
            DebugMode = debug,
            PreExistingFedBack = fedBack,
            OutOfScope = declared,
            StillFailing = clean ? [] : uncovered,
        }, cancellationToken);
    }

    /// <summary>No command to verify with: unverified (needs review) unless the repository said <c>test: none</c> on purpose.</summary>
    private async Task RecordUnverifiedAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        var optedOut = attempt.Config.TestNone;
        var account = optedOut
            ? "not verified: the repository's .nightshift.yml says `test: none`"
            : "unverified: no test command was found; add `test: <command>` to .nightshift.yml (or `test: none` to publish without tests)";
        await attempt.Run.EmitAsync(optedOut ? EventTypes.VerifyPassed : EventTypes.VerifyFailed, NightshiftJson.Payload(new VerifyVerdictPayload(0, account, [], [], [], Skipped: true)), cancellationToken);
        await attempt.UpdateAsync(c => c with { Stage = CheckpointStage.Verified, VerificationPassed = optedOut, VerificationSummary = account }, cancellationToken);
    }

    /// <summary>The declarations that explain a failure still present in <paramref name="verdict"/>.</summary>
    private static IReadOnlyList<OutOfScopeTest> DeclaredFor(TaskAttempt attempt, VerificationResult verdict) =>
        [.. attempt.Checkpoint.OutOfScope.Where(o => verdict.PreExistingFailures.Contains(o.Test))];

    /// <summary>The conversation a feedback round starts from when no build conversation is at hand (a planned build, or a resumed attempt).</summary>
    private static List<ChatMessage> FixConversation(TaskAttempt attempt) =>
    [
        new(ChatRole.System, Prompts.System(attempt.Verification)),
        new(ChatRole.User, attempt.OneSubtaskMode
            ? Prompts.Task(attempt.Task, attempt.AgentsMd, attempt.Config, attempt.RepoMap)
            : Prompts.FixRound(attempt.Task, attempt.AgentsMd, attempt.Config, attempt.RepoMap, attempt.Checkpoint.Subtasks)),
    ];

    private static async Task EmitVerdictAsync(ITaskRun run, int round, VerificationResult verdict, bool clean, IReadOnlyList<OutOfScopeTest> declared, CancellationToken cancellationToken) =>
        await run.EmitAsync(clean ? EventTypes.VerifyPassed : EventTypes.VerifyFailed, NightshiftJson.Payload(new VerifyVerdictPayload(
            round,
            verdict.Summary,
            [.. verdict.NewFailures.Take(50)],
            [.. verdict.PreExistingFailures.Take(50)],
            [.. declared.Take(50).Select(d => new OutOfScopeEntry(d.Test, d.Reason))],
            verdict.NothingToRun)), cancellationToken);
}

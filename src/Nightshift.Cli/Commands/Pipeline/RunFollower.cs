using System.Text.Json;
using Nightshift.Cli.Api;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Events;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary>
/// Prints a run's events (one line each, <see cref="EventSummary"/>'s words; one JSON object per line with --json)
/// until its final event, reconnecting with <c>Last-Event-ID</c> when the stream drops, and returns the exit code for
/// how the run ended: 0 succeeded, 1 failed or cancelled, 2 needs review.
/// </summary>
internal static class RunFollower
{
    public static async Task<int> FollowAsync(CommandContext context, string runId, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var zone = context.Environment.Time.LocalTimeZone;
        string? final = null;
        try
        {
            await foreach (var e in EventFollower.FollowRunAsync(context.Client, runId, context.Environment.Time, cancellationToken))
            {
                if (output.Json)
                {
                    output.WriteJsonLine(new { seq = e.Seq, type = e.Type, time = e.Time, data = e.Data });
                }
                else
                {
                    output.Text(EventFormatter.Line(e, zone));
                }
                if (e.Type == EventTypes.StepAwaitingApproval)
                {
                    var step = e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("step", out var s) && s.ValueKind == JsonValueKind.String ? SafeText.Clean(s.GetString(), 64) : "STEP";
                    output.Note($"the run waits for approval: `nightshift pipeline approve {SafeText.Clean(runId, 64)} {step}` or `nightshift pipeline reject {SafeText.Clean(runId, 64)} {step}`");
                }
                if (IsFinal(e.Type))
                {
                    final = e.Type;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Note($"stopped following; run {SafeText.Clean(runId, 64)} goes on on the server (look at it with `nightshift pipeline show {SafeText.Clean(runId, 64)}`)");
            return ExitCodes.Interrupted;
        }
        var run = await context.Client.GetRunAsync(runId, cancellationToken);
        var state = WebhookJson.Text(run, "state");
        if (output.Json)
        {
            output.WriteJsonLine(run);
        }
        else
        {
            var reason = WebhookJson.Text(run, "reason") is { } why ? Environment.NewLine + "reason: " + SafeText.Clean(why, 2000) : "";
            var pull = WebhookJson.Text(run, "pullRequest") is { } pr ? " · " + SafeText.Clean(pr, 300) : "";
            output.Text($"run {SafeText.Clean(runId, 64)} {SafeText.Clean(state, 20)}{pull}{reason}");
        }
        return ExitCode(state ?? StateOf(final));
    }

    /// <summary>0 succeeded, 2 needs review, 1 anything else (failed, cancelled, or a run that has not ended).</summary>
    public static int ExitCode(string? state) => state switch
    {
        "succeeded" => ExitCodes.Ok,
        "needs_review" => ExitCodes.Usage,
        _ => ExitCodes.TaskFailed,
    };

    private static bool IsFinal(string type) =>
        type is EventTypes.RunSucceeded or EventTypes.RunNeedsReview or EventTypes.RunFailed or EventTypes.RunCancelled;

    private static string? StateOf(string? finalType) => finalType?.StartsWith("run.", StringComparison.Ordinal) == true ? finalType[4..] : null;
}

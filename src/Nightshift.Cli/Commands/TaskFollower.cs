using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands;

/// <summary>
/// Shows a task's events until it ends — live on a terminal, one line per event when piped, one JSON object per
/// line with <c>--json</c> (then the final task) — and returns the exit code for how it ended.
/// </summary>
internal static class TaskFollower
{
    public static Task<int> FollowAsync(CommandContext context, ApiTask start, long after, CancellationToken cancellationToken) =>
        FollowAsync(
            context,
            start,
            EventFollower.FollowAsync(context.Client, start.Task.Id, after, context.Environment.Time, cancellationToken),
            ct => context.Client.GetTaskAsync(start.Task.Id, ct),
            cancellationToken);

    /// <summary>Follows events from any source (the API, or the store of an in-process run) and reads the final task from <paramref name="final"/>.</summary>
    public static async Task<int> FollowAsync(
        CommandContext context,
        ApiTask start,
        IAsyncEnumerable<ApiEvent> events,
        Func<CancellationToken, Task<ApiTask>> final,
        CancellationToken cancellationToken)
    {
        var output = context.Output;
        var time = context.Environment.Time;
        var zone = time.LocalTimeZone;
        var id = start.Task.Id;
        try
        {
            if (output.Live)
            {
                var state = new LiveState(start.Task, zone);
                await LiveView.RunAsync(output.Console, state, Hint(context, id, events), time, cancellationToken);
            }
            else
            {
                await foreach (var e in Hint(context, id, events).WithCancellation(cancellationToken))
                {
                    if (output.Json)
                    {
                        output.WriteJsonLine(new EventLine(e.Seq, e.Type, e.Time, e.Data));
                    }
                    else
                    {
                        output.Text(EventFormatter.Line(e, zone));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Note($"stopped following; task {start.Task.ShortId} goes on on the server (watch again with `nightshift logs {start.Task.ShortId} -f`)");
            return ExitCodes.Interrupted;
        }

        var last = await final(cancellationToken);
        if (output.Json)
        {
            output.WriteJsonLine(last.Json);
        }
        else
        {
            output.Text(Outcome(last.Task));
        }
        return last.Task.Status.IsTerminal() ? TaskFormatter.ExitCode(last.Task) : ExitCodes.TaskFailed;
    }

    /// <summary>A one-line verdict for people: how the task ended and what to look at next.</summary>
    public static string Outcome(TaskRecord task)
    {
        var duration = task is { StartedAt: { } started, FinishedAt: { } finished } ? " in " + TaskFormatter.Duration(finished - started) : "";
        var line = $"task {task.ShortId} {task.Status.ToWire()}{duration}";
        if (task.Usage.Calls > 0)
        {
            line += $" · {TaskFormatter.Tokens(task.Usage)} · {TaskFormatter.Cost(task.Usage)}";
        }
        if (task.Branch is not null)
        {
            line += " · branch " + SafeText.Clean(task.Branch, 200);
        }
        if (task.PullRequest is not null)
        {
            line += " · " + SafeText.Clean(task.PullRequest, 300);
        }
        if (task.Status != TaskState.Succeeded && task.LastError is not null)
        {
            line += Environment.NewLine + "reason: " + SafeText.Clean(task.LastError, 2000);
        }
        return line;
    }

    // A plan waiting for approval would otherwise look like a hung stream.
    private static async IAsyncEnumerable<ApiEvent> Hint(CommandContext context, string id, IAsyncEnumerable<ApiEvent> events)
    {
        await foreach (var e in events)
        {
            yield return e;
            if (e.Type == EventTypes.PlanAwaitingApproval)
            {
                context.Output.Note($"the plan waits for approval: `nightshift approve {TaskId.Short(id)}` or `nightshift reject {TaskId.Short(id)}`");
            }
            else if (e.Type == EventTypes.TaskQuestion)
            {
                context.Output.Note($"the agent asked a question (see `nightshift show {TaskId.Short(id)}`); answer it: `nightshift say {TaskId.Short(id)} \"...\"`");
            }
        }
    }

    private sealed record EventLine(long Seq, string Type, DateTimeOffset Time, System.Text.Json.JsonElement Data);
}

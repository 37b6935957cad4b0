using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Storage;

namespace Nightshift.Server.Pipelines;

/// <summary>
/// How a step's task ended, from the task and its final event (<c>task.succeeded</c> … <c>task.dead</c>): the output,
/// the reason and whether it pushed a change (a <c>branch.pushed</c> event, or the agent's <c>changed</c>). An ended task never changes, so what was read once is kept.
/// </summary>
internal sealed class StepTaskReader(INightshiftStore store)
{
    private const int Page = 1_000;
    private const int MaxCached = 10_000;

    private static readonly HashSet<string> FinalTypes = new(StringComparer.Ordinal)
    {
        EventTypes.TaskSucceeded, EventTypes.TaskFailed, EventTypes.TaskNeedsReview, EventTypes.TaskCancelled, EventTypes.TaskTimedOut, EventTypes.TaskDead,
    };

    private readonly ConcurrentDictionary<string, StepTaskResult> _ended = new(StringComparer.Ordinal);

    /// <returns>the result, or null while the task has not ended (or is gone).</returns>
    public async Task<StepTaskResult?> ReadAsync(string taskId, CancellationToken cancellationToken)
    {
        if (_ended.TryGetValue(taskId, out var known))
        {
            return known;
        }
        var task = await store.FindAsync(taskId, cancellationToken);
        if (task is null || !task.Status.IsTerminal())
        {
            return null;
        }
        TaskEvent? last = null;
        var pushed = false;
        var after = 0L;
        while (true)
        {
            var page = await store.ReadEventsAsync(taskId, after, Page, cancellationToken);
            foreach (var taskEvent in page)
            {
                after = taskEvent.Sequence;
                if (FinalTypes.Contains(taskEvent.Type))
                {
                    last = taskEvent;
                }
                pushed |= taskEvent.Type == EventTypes.BranchPushed;
            }
            if (page.Count < Page)
            {
                break;
            }
        }
        var result = FromEvent(task, last, pushed);
        if (_ended.Count >= MaxCached)
        {
            _ended.Clear();
        }
        _ended[taskId] = result;
        return result;
    }

    internal static StepTaskResult FromEvent(TaskRecord task, TaskEvent? final, bool sawPush)
    {
        TaskFinishedPayload? payload = null;
        if (final is not null)
        {
            try
            {
                payload = JsonSerializer.Deserialize<TaskFinishedPayload>(final.Data, NightshiftJson.Options);
            }
            catch (JsonException)
            {
                // A payload this build cannot read still ends the step; the task's own reason says why.
            }
        }
        string? output = null;
        if (payload?.Output is { ValueKind: JsonValueKind.Object } element)
        {
            var raw = element.GetRawText();
            if (Encoding.UTF8.GetByteCount(raw) <= RunStepRecord.MaxOutputBytes)
            {
                output = raw;
            }
        }
        var reason = payload?.Error ?? payload?.Reason ?? task.LastError;
        if (payload?.ExitCode is { } exit && exit != 0 && task.Status != TaskState.Succeeded)
        {
            reason = reason is null ? $"the command exited with code {exit}" : $"{reason} (exit code {exit})";
        }
        return new StepTaskResult(task.Id, task.Status, output, reason, sawPush || Changed(output));
    }

    /// <summary>An agent step's own word that it changed something (<c>changed</c>, or a <c>commit</c>).</summary>
    private static bool Changed(string? output)
    {
        if (output is null)
        {
            return false;
        }
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        if (root.TryGetProperty("changed", out var changed) && changed.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return changed.ValueKind == JsonValueKind.True;
        }
        return root.TryGetProperty("commit", out var commit) && commit.ValueKind == JsonValueKind.String && commit.GetString()!.Length > 0;
    }
}

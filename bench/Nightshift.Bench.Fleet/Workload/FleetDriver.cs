using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>
/// Submits the tasks through the API (closed loop: at most <c>maxInFlight</c> unfinished at once), approves plans of
/// Approval tasks, cancels Cancel tasks once they run, and polls until every task ended or the deadline passed.
/// <paramref name="api"/> has the server's base address and bearer token set.
/// </summary>
/// <remarks>
/// Every call survives the API being away for a while (a restarting database answers 5xx, a connection drops): it is
/// tried again after a short backoff until the deadline. A task is submitted with its marker as idempotency key, so a
/// submission whose answer was lost and is sent again yields the same task. Polling reads the task list page by page
/// (one pass about every 500 ms), which keeps the request rate well under the API's per-token limit however many
/// tasks are open. A task that had not ended at the deadline keeps a null <see cref="FleetTask.FinalStatus"/>.
/// </remarks>
public sealed class FleetDriver(HttpClient api, TextWriter log)
{
    /// <summary>The statuses a task does not leave (see <c>TaskState</c>).</summary>
    public static readonly IReadOnlySet<string> TerminalStatuses =
        new HashSet<string>(["succeeded", "failed", "cancelled", "timed_out", "needs_review", "dead"], StringComparer.Ordinal);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReapproveAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);
    private const int PageSize = 200;

    // The writer may be shared with the fault injector's lines: synchronized, so lines stay whole.
    private readonly TextWriter _log = TextWriter.Synchronized(log);

    /// <summary>How long between status lines; shorter in tests.</summary>
    public TimeSpan Progress { get; init; } = ProgressInterval;

    /// <summary>The clock deadlines and recorded times are read from.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Runs the whole workload; returns every submitted task with what the harness did to it and its final status.</summary>
    public async Task<IReadOnlyList<FleetTask>> RunAsync(IReadOnlyList<FleetTaskSpec> specs, int maxInFlight, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        var pending = new Queue<FleetTaskSpec>(specs);
        var submitted = new List<FleetTask>();
        var open = new Dictionary<string, FleetTask>(StringComparer.Ordinal);
        var lastApproval = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var running = 0;
        var nextProgress = Time.GetUtcNow() + Progress;
        while (Time.GetUtcNow() < deadline)
        {
            while (pending.Count > 0 && open.Count < maxInFlight)
            {
                var spec = pending.Peek();
                var task = await SubmitAsync(spec, deadline, cancellationToken);
                if (task is null)
                {
                    break;
                }
                pending.Dequeue();
                submitted.Add(task);
                open[task.Id] = task;
            }
            if (pending.Count == 0 && open.Count == 0)
            {
                break;
            }

            if (await ListAsync(open.Keys.ToHashSet(StringComparer.Ordinal), deadline, cancellationToken) is { } shown)
            {
                running = 0;
                foreach (var (id, state) in shown)
                {
                    var task = open[id];
                    if (TerminalStatuses.Contains(state.Status))
                    {
                        task.FinalStatus = state.Status;
                        open.Remove(id);
                        continue;
                    }
                    running += state.Status == "running" ? 1 : 0;
                    await ActAsync(task, state, lastApproval, cancellationToken);
                }
            }

            var now = Time.GetUtcNow();
            if (now >= nextProgress)
            {
                nextProgress = now + Progress;
                await WriteLineAsync($"fleet: {submitted.Count}/{specs.Count} submitted, {open.Count} open ({running} running), {submitted.Count - open.Count} ended");
            }
            await DelayAsync(PollInterval, deadline, cancellationToken);
        }
        if (open.Count > 0 || pending.Count > 0)
        {
            await WriteLineAsync($"fleet: the deadline passed with {open.Count} task(s) still open and {pending.Count} never submitted: {string.Join(", ", open.Values.Select(t => t.Spec.Marker))}");
        }
        else
        {
            await WriteLineAsync($"fleet: all {submitted.Count} tasks ended");
        }
        return submitted;
    }

    /// <summary>What the poll saw of one open task.</summary>
    private sealed record Shown(string Status, bool HasPlan);

    /// <summary>Approves an Approval task waiting for it; cancels a Cancel task once it runs with a plan.</summary>
    private async Task ActAsync(FleetTask task, Shown state, Dictionary<string, DateTimeOffset> lastApproval, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        if (task.Spec.Kind == FleetTaskKind.Approval && state.Status == "awaiting_approval"
            && (!lastApproval.TryGetValue(task.Id, out var last) || now - last >= ReapproveAfter))
        {
            lastApproval[task.Id] = now;
            if (await PostOnceAsync($"api/v1/tasks/{task.Id}/approve", cancellationToken))
            {
                task.ApprovedAt ??= now;
            }
        }
        else if (task.Spec.Kind == FleetTaskKind.Cancel && task.CancelRequestedAt is null && state.Status == "running" && state.HasPlan
            && await PostOnceAsync($"api/v1/tasks/{task.Id}/cancel", cancellationToken))
        {
            task.CancelRequestedAt = now;
        }
    }

    /// <summary>
    /// Attempts each task may use (the API's default is 3). The harness injects a fault every few seconds, far more often
    /// than a real fleet sees one, and every attempt a fault interrupts counts (a killed worker's attempt is spent);
    /// with 3 a task hit by three faults in a row ends <c>dead</c>, which is the retry budget working, not a loss.
    /// </summary>
    public const int MaxAttempts = 10;

    /// <summary>Submits one task, trying again until the API takes it; null when the deadline passed first.</summary>
    private async Task<FleetTask?> SubmitAsync(FleetTaskSpec spec, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var body = new
        {
            repo = spec.Repository,
            instruction = spec.Instruction,
            title = Title(spec),
            requirePlanApproval = spec.RequirePlanApproval,
            idempotencyKey = spec.Marker,
            maxAttempts = MaxAttempts,
        };
        var backoff = TimeSpan.FromMilliseconds(250);
        var refusals = 0;
        while (Time.GetUtcNow() < deadline)
        {
            var at = Time.GetUtcNow();
            try
            {
                using var response = await api.PostAsJsonAsync("api/v1/tasks", body, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var task = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    return new FleetTask(spec, task.GetProperty("id").GetString()!, at);
                }
                var said = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!Transient(response.StatusCode) && ++refusals >= 3)
                {
                    throw new InvalidOperationException(
                        $"the API refused task {spec.Marker} {refusals} times with HTTP {(int)response.StatusCode}: {Clip(said)}; the harness sends something the server does not accept (check the repository path is under Repositories:AllowedRoots and the token may write tasks)");
                }
                await WriteLineAsync($"fleet: submitting {spec.Marker} got HTTP {(int)response.StatusCode}; trying again");
            }
            catch (Exception e) when (IsConnectionTrouble(e, cancellationToken))
            {
                await WriteLineAsync($"fleet: submitting {spec.Marker} failed ({e.Message}); trying again");
            }
            await DelayAsync(backoff, deadline, cancellationToken);
            backoff = Next(backoff);
        }
        return null;
    }

    /// <summary>One pass over the task list: the state of each open task it shows; null when the API could not be read.</summary>
    private async Task<Dictionary<string, Shown>?> ListAsync(HashSet<string> open, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<string, Shown>(StringComparer.Ordinal);
        string? cursor = null;
        var backoff = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            if (Time.GetUtcNow() >= deadline)
            {
                return null;
            }
            var uri = string.Create(CultureInfo.InvariantCulture, $"api/v1/tasks?limit={PageSize}")
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            try
            {
                using var response = await api.GetAsync(uri, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    await WriteLineAsync($"fleet: reading the task list got HTTP {(int)response.StatusCode}; trying again");
                    await DelayAsync(backoff, deadline, cancellationToken);
                    backoff = Next(backoff);
                    continue;
                }
                var page = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    var id = item.GetProperty("id").GetString()!;
                    if (open.Contains(id))
                    {
                        var hasPlan = item.TryGetProperty("plan", out var plan) && plan.ValueKind == JsonValueKind.String && plan.GetString()!.Length > 0;
                        shown[id] = new Shown(item.GetProperty("status").GetString() ?? "", hasPlan);
                    }
                }
                cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                if (cursor is null || shown.Count == open.Count)
                {
                    return shown;
                }
            }
            catch (Exception e) when (IsConnectionTrouble(e, cancellationToken))
            {
                await WriteLineAsync($"fleet: reading the task list failed ({e.Message}); trying again");
                await DelayAsync(backoff, deadline, cancellationToken);
                backoff = Next(backoff);
            }
        }
    }

    /// <summary>Posts an action once; true when the API accepted it. A refusal (it ended meanwhile) or trouble is tried again at the next poll if still apt.</summary>
    private async Task<bool> PostOnceAsync(string uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await api.PostAsync(uri, content: null, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }
            await WriteLineAsync($"fleet: POST {uri} got HTTP {(int)response.StatusCode}: {Clip(await response.Content.ReadAsStringAsync(cancellationToken))}");
        }
        catch (Exception e) when (IsConnectionTrouble(e, cancellationToken))
        {
            await WriteLineAsync($"fleet: POST {uri} failed ({e.Message})");
        }
        return false;
    }

    /// <summary>The title a task is submitted with.</summary>
    public static string Title(FleetTaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"Fleet task {spec.Marker} ({spec.Kind.ToString().ToLowerInvariant()})";
    }

    private static bool Transient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool IsConnectionTrouble(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or JsonException or IOException;

    private static TimeSpan Next(TimeSpan backoff) => backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;

    private async Task DelayAsync(TimeSpan delay, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var left = deadline - Time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(delay < left ? delay : left, Time, cancellationToken);
        }
    }

    private async Task WriteLineAsync(string line)
    {
        await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Time.GetUtcNow():HH:mm:ss} {line}"));
        await _log.FlushAsync();
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

using System.Globalization;
using System.Text.Json;
using Nightshift.Core.Text;
using Nightshift.Core.Usage;

namespace Nightshift.Core.Events;

/// <summary>
/// How an event reads for a person, in one line: the CLI's live view and <c>logs</c>, and the dashboard's timeline all
/// show this. The payload comes from the event log as JSON and is read defensively (a field of the wrong kind is as if
/// it were absent), so events written by an older version, or unknown types, still get a line.
/// </summary>
public static class EventSummary
{
    /// <summary>The longest summary returned, in characters.</summary>
    public const int MaxChars = 160;

    // For types without a line of their own: the payload fields that say the most, in the order they are worth showing.
    private static readonly string[] TellingFields =
    [
        "reason", "message", "error", "summary", "phase", "tool", "command", "title", "branch", "pullRequest", "url", "text", "output", "line", "name",
    ];

    /// <summary>
    /// Events that record how the work is kept rather than what happens to it. They stay in the event log, the API and
    /// the <c>--json</c> stream; views for people hide them unless asked (<c>--all-events</c>, the timeline's toggle).
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>task.checkpoint</c>: the executor stored resume state; it says only how many bytes, once per subtask and more.</item>
    /// <item><c>model.request</c>: announces a model call whose <c>model.response</c> follows with what a person wants
    /// (tokens, cost, the answer); the request carries only message counts and estimates.</item>
    /// <item><c>plan.partial</c>: the plan as it streams in, one event per subtask, before it is checked;
    /// <c>plan.ready</c> (or <c>plan.fallback</c>) says what was settled.</item>
    /// <item><c>network.allowed</c>: an audit record of each connection the egress proxy made as the policy allows (up to
    /// 500 per command); the refusals (<c>network.denied</c>, <c>network.capped</c>) are what a person acts on and stay shown.</item>
    /// </list>
    /// </remarks>
    public static bool IsBookkeeping(string? type) => type is
        EventTypes.TaskCheckpoint or EventTypes.ModelRequest or EventTypes.PlanPartial or EventTypes.NetworkAllowed;

    /// <summary>
    /// One line for a person (no line breaks, no control characters, at most <see cref="MaxChars"/>); empty when the
    /// event has nothing worth saying beyond its type.
    /// </summary>
    public static string Describe(string? type, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return "";
        }
        string? line;
        try
        {
            line = Specific(type ?? "", new Payload(data));
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException)
        {
            // A number too big for its field, or text where a number belongs: the generic line still says something.
            line = null;
        }
        return SafeText.Clean(line ?? Generic(data), MaxChars);
    }

    private static string? Specific(string type, Payload p) => type switch
    {
        EventTypes.TaskQueued => p.Bool("retry") == true
            ? Join("queued again", p.Str("previousStatus") is { } previous ? $"after {previous}" : null)
            : Join("queued", p.Str("title") is { } title ? $"“{title}”" : null, p.Str("repo") is { } repo ? $"for {repo}" : null, p.Str("source") is { } source ? $"from {source}" : null),
        EventTypes.TaskStarted => Join(p.Int("attempt") is { } attempt ? $"attempt {attempt}" : "started", p.Str("worker") is { } worker ? $"on {worker}" : null),
        EventTypes.TaskPhase => p.Str("phase"),
        EventTypes.TaskCancelRequested => p.Str("reason") is { } why ? $"cancel requested: {why}" : "cancel requested",
        EventTypes.TaskReleased => Join(p.Int("attempt") is { } attempt ? $"attempt {attempt} handed back to the queue" : "handed back to the queue", p.Str("reason") is { } why ? $"({why})" : null),
        EventTypes.TaskRetrying => Colon(p.Int("attempt") is { } attempt ? $"attempt {attempt} failed, will retry" : "will retry", p.Str("reason")),
        EventTypes.TaskSucceeded => p.Str("verification") ?? p.Str("answer") ?? p.Str("summary") ?? p.Str("pullRequest") ?? p.Str("branch") ?? "",
        // "error" is the words when "reason" is a code (budget_exhausted).
        EventTypes.TaskFailed or EventTypes.TaskCancelled or EventTypes.TaskTimedOut or EventTypes.TaskNeedsReview or EventTypes.TaskDead =>
            p.Str("error") ?? p.Str("reason") ?? p.Str("verification") ?? p.Str("pullRequest") ?? "",
        EventTypes.TaskCheckpoint => p.Int("bytes") is { } bytes ? $"checkpoint saved ({Size(bytes)})" : "checkpoint saved",
        EventTypes.TaskMessage => Colon(p.Str("author") ?? "someone", p.Str("text")),
        EventTypes.TaskQuestion => p.Str("question"),
        EventTypes.TaskAnswered => p.Bool("timedOut") == true
            ? Colon("no answer in time, going on with", p.Str("answer"))
            : Colon(p.Str("author") ?? "answered", p.Str("answer")),
        EventTypes.WorkspaceReady => Join(
            p.Str("branch") is { } branch ? $"branch {branch}" : "worktree ready",
            p.Str("baseBranch") is { } baseBranch ? $"from {baseBranch}" + (p.Str("baseCommit") is { } commit ? $" @ {Short(commit)}" : "") : null,
            p.Bool("resumed") == true ? "(resumed)" : null),
        EventTypes.SetupCacheHit => Join(
            p.Int("files") is { } files ? $"restored {Num(files)} {Plural(files, "file", "files")}" : "restored setup",
            p.Int("entryBytes") is { } bytes ? $"({Size(bytes)})" : null,
            p.Int("restoreMs") is { } restore ? $"in {Num(restore)} ms" : null,
            p.Int("savedMs") is { } saved ? $"instead of {Num(saved)} ms of setup" : null),
        EventTypes.SetupCacheMiss => Join(
            Colon("setup not cached", p.Str("reason")),
            p.Bool("stored") == true ? "(stored for the next task)" : p.Str("notStored") is { } notStored ? $"(not stored: {notStored})" : null),
        EventTypes.PlanPartial => Colon(
            p.Int("index") is { } index ? $"subtask {index + 1} arriving" : "subtask arriving",
            p.Object("subtask") is { } subtask ? new Payload(subtask).Str("title") : null),
        EventTypes.PlanReady => PlanReady(p),
        EventTypes.PlanAwaitingApproval => "the plan waits for approval",
        EventTypes.PlanApproved => p.Bool("planReplaced") == true ? "approved with an edited plan" : "approved",
        EventTypes.PlanRejected => Colon("rejected", p.Str("reason")),
        EventTypes.PlanSkipped or EventTypes.PlanFallback => p.Str("reason"),
        EventTypes.PlanCycleRecovery => Colon(p.Str("rung") ?? "cycle recovery", p.Str("message")),
        EventTypes.SubtaskStarted => Colon(Position(p) ?? p.Str("id") ?? "subtask", p.Str("title")),
        EventTypes.SubtaskCompleted => Colon(p.Str("id") ?? "subtask", p.Str("summary") ?? "done"),
        EventTypes.SubtaskFailed => Colon(p.Str("id") ?? "subtask", p.Str("reason") ?? p.Str("summary")),
        EventTypes.SubtaskSkipped => Colon(p.Str("id") ?? "subtask", p.Str("reason")),
        EventTypes.SubtaskMerged => Join($"{p.Str("id") ?? "subtask"} merged", p.Bool("conflictResolved") == true ? "(conflict resolved)" : null),
        EventTypes.SubtaskConflicted => Colon($"{p.Str("id") ?? "subtask"} conflicted", p.Count("paths") is { } paths ? $"{paths} {Plural(paths, "file", "files")}" : null),
        EventTypes.ModelRequest => Join(
            p.Str("role") is { } role ? $"{role} step {p.Int("step") ?? 0}" : null,
            p.Int("messages") is { } messages ? $"{Num(messages)} messages" : null,
            p.Int("estimatedTokens") is { } tokens ? $"~{Num(tokens)} tokens" : null),
        EventTypes.ModelResponse => ModelResponse(p),
        EventTypes.ModelFallback => Colon($"{p.Str("from") ?? "?"} → {p.Str("to") ?? "?"}", p.Str("reason") ?? p.Str("kind")),
        EventTypes.ToolCall => Join(p.Str("tool"), p.Str("arguments")),
        EventTypes.ToolResult => Join(p.Str("tool"), p.Bool("isError") == true ? "✗" : "→", FirstLine(p.Str("content"))),
        EventTypes.CommandOutput => CommandOutput(p),
        EventTypes.ContextCompacted => Join(
            p.Int("removedMessages") is { } removed ? $"folded {Num(removed)} messages" : "folded older turns",
            p.Int("estimatedTokensBefore") is { } before && p.Int("estimatedTokensAfter") is { } after ? $"~{Num(before)} → ~{Num(after)} tokens" : null),
        EventTypes.VerifyStarted => Colon(
            p.Bool("baseline") == true ? "baseline" : p.Int("round") is { } round ? $"round {round}" : "verifying",
            p.Strings("commands") is { Count: > 0 } commands ? string.Join(" && ", commands) : null),
        EventTypes.VerifyBaseline => p.Bool("passed") == true
            ? "the base passes"
            : Colon("already failing on the base", p.Strings("failingTests") is { Count: > 0 } failing ? List(failing) : null),
        EventTypes.VerifyPassed or EventTypes.VerifyFailed => Verdict(p),
        EventTypes.VerifyDebugMode => Colon(p.Int("round") is { } round ? $"round {round}: debugging" : "debugging", p.Str("failure")),
        EventTypes.NetworkAllowed => Join(Endpoint(p), p.Str("phase") is { } phase ? $"({phase})" : null),
        EventTypes.NetworkDenied => Colon(Endpoint(p) ?? "a connection", p.Str("reason")),
        EventTypes.NetworkCapped => p.Str("message"),
        EventTypes.LimitsCapped => p.Str("message"),
        EventTypes.CommitCreated => Join(
            p.Str("commit") is { } commit ? Short(commit) : "commit",
            p.Str("branch") is { } branch ? $"on {branch}" : null,
            p.Str("subtask") is { } subtask ? $"for {subtask}" : null,
            p.Count("files") is { } files ? $"({files} {Plural(files, "file", "files")})" : null),
        EventTypes.BranchPushed => Join(p.Str("branch"), p.Str("remote") is { } remote ? $"→ {remote}" : null),
        EventTypes.PrOpened => Join(p.Str("reference"), p.Bool("draft") == true ? "(draft)" : null, p.Str("title") is { } title ? $"“{title}”" : null),
        EventTypes.RunStarted => Join(p.Str("pipeline"), p.Str("branch") is { } runBranch ? $"on {runBranch}" : null, p.Str("trigger") is { } trigger ? $"({trigger})" : null),
        EventTypes.RunSucceeded or EventTypes.RunNeedsReview or EventTypes.RunFailed or EventTypes.RunCancelled => Colon(
            $"{Num(p.Int("succeeded") ?? 0)} succeeded, {Num(p.Int("failed") ?? 0)} failed, {Num(p.Int("skipped") ?? 0)} skipped",
            p.Str("reason") ?? p.Str("pullRequest")),
        EventTypes.StepStarted => Join(p.Str("step"), p.Str("kind") is { } kind ? $"({kind})" : null, p.Str("taskId") is { } stepTask ? $"task {Short(stepTask)}" : null),
        EventTypes.StepSkipped => Colon(p.Str("step") ?? "step", p.Str("reason")),
        EventTypes.StepAwaitingApproval => $"{p.Str("step") ?? "a step"} waits for approval",
        EventTypes.StepApproved => Join(p.Str("step"), p.Str("by") is { } approver ? $"approved by {approver}" : "approved"),
        EventTypes.StepRejected => Colon(Join(p.Str("step"), p.Str("by") is { } rejecter ? $"rejected by {rejecter}" : "rejected"), p.Str("reason")),
        EventTypes.StepSucceeded => Join(p.Str("step"), "succeeded"),
        EventTypes.StepFailed => Colon(Join(p.Str("step"), "failed", p.Bool("continued") == true ? "(run goes on)" : null), p.Str("reason")),
        _ => null,
    };

    private static string PlanReady(Payload p)
    {
        var subtasks = p.Count("subtasks") ?? 0;
        var waves = p.Count("waves");
        var how = p.Str("mode") switch
        {
            "single" => "one subtask, no planning",
            "fallback" => "one subtask (no usable plan)",
            _ => $"{subtasks} {Plural(subtasks, "subtask", "subtasks")}" + (waves is { } w ? $" in {w} {Plural(w, "wave", "waves")}" : ""),
        };
        return p.Bool("approved") == true ? how + ", approved" : how;
    }

    private static string? ModelResponse(Payload p)
    {
        var input = p.Int("inputTokens");
        var output = p.Int("outputTokens");
        if (input is null && output is null)
        {
            return null;
        }
        var model = p.Str("provider") is { } provider && p.Str("model") is { } name ? $"{provider}/{name}" : p.Str("model");
        var usd = p.Decimal("costUsd");
        var cost = usd is { } known && known >= 0m ? CostText.Dollars(known)
            : p.Bool("costKnown") == false ? "cost " + CostText.Unknown
            : null;
        return string.Join(" · ", new[] { $"{Num(input ?? 0)} in / {Num(output ?? 0)} out", cost, model }.Where(s => s is not null));
    }

    private static string? CommandOutput(Payload p)
    {
        var lines = p.Strings("lines");
        if (lines is not { Count: > 0 })
        {
            return p.Str("command");
        }
        var more = lines.Count > 1 ? $" (+{lines.Count - 1} lines)" : "";
        return $"{p.Str("command") ?? ""} │ {lines[^1].Trim()}{more}";
    }

    private static string? Verdict(Payload p)
    {
        var summary = p.Str("summary");
        var broken = p.Strings("newFailures");
        return broken is { Count: > 0 } && (summary is null || !summary.Contains(broken[0], StringComparison.Ordinal))
            ? Colon(summary ?? "failed", "broke " + List(broken))
            : summary;
    }

    private static string? Position(Payload p) =>
        p.Int("index") is { } index && p.Int("total") is { } total && total > 0 ? $"{index + 1}/{total} {p.Str("id") ?? ""}".TrimEnd() : null;

    private static string? Endpoint(Payload p) =>
        p.Str("host") is { } host ? Join(p.Str("method"), p.Int("port") is { } port ? $"{host}:{port}" : host) : null;

    private static string List(IReadOnlyList<string> items) =>
        items.Count <= 3 ? string.Join(", ", items) : $"{string.Join(", ", items.Take(3))} and {items.Count - 3} more";

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    private static string Num(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Plural(long n, string one, string many) => n == 1 ? one : many;

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0];

    private static string Join(params string?[] parts) => string.Join(' ', parts.Where(s => !string.IsNullOrWhiteSpace(s)));

    private static string Colon(string head, string? tail) => string.IsNullOrWhiteSpace(tail) ? head : $"{head}: {tail}";

    private static string Generic(JsonElement data)
    {
        foreach (var field in TellingFields)
        {
            if (data.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
            {
                return value.GetString()!;
            }
        }
        var raw = data.GetRawText();
        return raw == "{}" ? "" : raw;
    }

    /// <summary>Reads fields of one payload object; a field of the wrong kind reads as absent.</summary>
    private readonly struct Payload(JsonElement data)
    {
        public string? Str(string name) =>
            data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } s && !string.IsNullOrWhiteSpace(s) ? s : null;

        public long? Int(string name) =>
            data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

        public decimal? Decimal(string name) =>
            data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;

        public bool? Bool(string name) =>
            data.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;

        public int? Count(string name) =>
            data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : null;

        public JsonElement? Object(string name) =>
            data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

        /// <summary>The string items of an array field (other items skipped), or null when it is not an array.</summary>
        public IReadOnlyList<string>? Strings(string name) =>
            data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
                ? [.. v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString() ?? "")]
                : null;
    }
}

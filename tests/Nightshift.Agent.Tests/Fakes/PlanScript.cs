using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>
/// A scripted model for planned tasks. Plan agent calls (recognised by the planner's system prompt) submit the
/// given plans in turn (the last one repeats). Build agent calls write <c>&lt;subtask-id&gt;.txt</c> and then finish;
/// feedback rounds finish at once. Records which subtasks the build agent started, in order. Answers depend only on
/// what a call's messages say (which subtask its prompt names), never on the order calls arrive in, so subtasks built
/// at the same time get the same answers every run. A merge conflict prompt is answered by writing
/// <see cref="ConflictResolution"/> to the first conflicted path listed, then finishing.
/// </summary>
internal sealed partial class PlanScript
{
    private readonly object[] _plans;
    private readonly Lock _gate = new();

    public PlanScript(params object[] plans)
    {
        _plans = plans;
        Model = new ScriptedChatClient { Responder = Respond };
    }

    public ScriptedChatClient Model { get; }

    /// <summary>Called when the build agent starts a subtask (before answering); may throw to interrupt the run.</summary>
    public Action<string>? OnBuildStart { get; set; }

    public List<string> Built { get; } = [];

    public List<ScriptedChatCall> PlannerCalls { get; } = [];

    /// <summary>What a subtask writes instead of <c>&lt;id&gt;.txt</c>, by subtask id.</summary>
    public Dictionary<string, (string Path, string Content)> Writes { get; } = new(StringComparer.Ordinal);

    /// <summary>The content a conflict resolution writes to the conflicted file.</summary>
    public string ConflictResolution { get; set; } = "resolved\n";

    public List<ScriptedChatCall> ConflictCalls { get; } = [];

    public List<ScriptedChatCall> BuildCalls { get; } = [];

    public static bool IsPlanner(ScriptedChatCall call) => call.Messages[0].Text.Contains("Nightshift's plan agent", StringComparison.Ordinal);

    public static bool IsConflict(ScriptedChatCall call) => call.Messages.Count > 1 && call.Messages[1].Text.Contains("These files hold conflict markers", StringComparison.Ordinal);

    /// <summary>The subtask a build conversation is about: the id named in its prompt, or "task" in one-subtask mode.</summary>
    public static string SubtaskOf(ScriptedChatCall call) =>
        SubtaskPattern().Match(call.Messages[1].Text) is { Success: true } m ? m.Groups[1].Value : "task";

    private ChatResponse Respond(ScriptedChatCall call)
    {
        if (IsPlanner(call))
        {
            object plan;
            lock (_gate)
            {
                plan = _plans[Math.Min(PlannerCalls.Count, _plans.Length - 1)];
                PlannerCalls.Add(call);
            }
            return ScriptedChatClient.ToolCalls(("submit_plan", plan, $"plan_{call.Number}"));
        }

        var last = call.LastMessage;
        if (IsConflict(call))
        {
            lock (_gate)
            {
                ConflictCalls.Add(call);
            }
            if (last.Role == ChatRole.Tool)
            {
                return ScriptedChatClient.ToolCalls(("finish", new { summary = "Kept both sides" }, $"fin_{call.Number}"));
            }
            var conflicted = ConflictedPathPattern().Match(call.Messages[1].Text).Groups[1].Value;
            return ScriptedChatClient.ToolCalls(("write_file", new { path = conflicted, content = ConflictResolution }, $"resolve_{call.Number}"));
        }

        var id = SubtaskOf(call);
        if (last.Role == ChatRole.User && call.Messages.Count > 2)
        {
            lock (_gate)
            {
                BuildCalls.Add(call);
            }
            return ScriptedChatClient.ToolCalls(("finish", new { summary = $"Looked at the feedback for {id}" }, $"fin_{call.Number}"));
        }
        if (last.Role == ChatRole.Tool)
        {
            lock (_gate)
            {
                BuildCalls.Add(call);
            }
            return ScriptedChatClient.ToolCalls(("finish", new { summary = $"Wrote {id}.txt\n\nThe {id} step." }, $"fin_{call.Number}"));
        }
        OnBuildStart?.Invoke(id);
        lock (_gate)
        {
            Built.Add(id);
            BuildCalls.Add(call);
        }
        var (path, content) = Writes.TryGetValue(id, out var write) ? write : ($"{id}.txt", $"{id}\n");
        return ScriptedChatClient.ToolCalls(("write_file", new { path, content }, $"write_{call.Number}"));
    }

    [GeneratedRegex("Your subtask now is '([a-z0-9-]+)'")]
    private static partial Regex SubtaskPattern();

    [GeneratedRegex("conflict markers[^\n]*:\n- ([^\n]+)\n")]
    private static partial Regex ConflictedPathPattern();
}

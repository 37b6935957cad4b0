using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Planning;

namespace Nightshift.Agent.Planning;

/// <summary>
/// The plan agent: a conversation with read-only tools that ends when the model submits a valid plan through
/// <c>submit_plan</c>. A refused plan goes back to the model with every problem listed; after
/// <paramref name="maxSubmissions"/> refusals, <paramref name="maxSteps"/> model calls, a spent budget or a model that
/// stops without submitting, there is no plan and the caller falls back to one subtask. Responses are streamed so the
/// subtasks of a submitted plan are announced (<paramref name="onPartial"/>) as soon as the call arrives, before the
/// plan is checked. Messages people sent the task (<paramref name="inbox"/>) join before each model turn; with
/// <paramref name="ask"/> the planner may ask one clarifying question, which ends planning to wait for the answer.
/// </summary>
public sealed class PlanAgent(
    IChatClient chat,
    ToolContext context,
    IAgentObserver observer,
    IUsageMeter meter,
    BudgetTracker budget,
    TimeProvider time,
    int maxSteps,
    int maxSubmissions,
    Func<int, int, JsonObject, CancellationToken, Task>? onPartial = null,
    IAgentInbox? inbox = null,
    AgentTool? ask = null)
{
    private const int MaxTurnsWithoutTools = 2;
    private const int AskModelSteps = 4;

    private static readonly HashSet<string> ReadToolNames = new(StringComparer.Ordinal) { "list_files", "read_file", "search" };

    private readonly Dictionary<string, AgentTool> _tools = ToolBox.ReadOnlyTools()
        .Where(t => ReadToolNames.Contains(t.Name))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    private readonly List<ChatMessage> _messages = [];
    private int _submissions;

    /// <summary>The conversation so far (system prompt, task, the model's turns and the tool results).</summary>
    public IReadOnlyList<ChatMessage> Messages => _messages;

    /// <summary>Plans from scratch: <paramref name="taskPrompt"/> carries the task, AGENTS.md and the repository map.</summary>
    public Task<PlanAgentResult> PlanAsync(string taskPrompt, CancellationToken cancellationToken = default)
    {
        _messages.Clear();
        _messages.Add(new ChatMessage(ChatRole.System, PlanPrompts.System(Math.Max(1, maxSubmissions))));
        _messages.Add(new ChatMessage(ChatRole.User, taskPrompt));
        return RunAsync(Math.Max(1, maxSteps), Math.Max(1, maxSubmissions), cancellationToken);
    }

    /// <summary>
    /// The ask-the-model rung of cycle recovery: continues the conversation naming the cycles and returns the one plan
    /// the model submits (null when it submits none or an invalid one; the ladder judges the rest).
    /// </summary>
    public async Task<Plan?> AskForAcyclicPlanAsync(IReadOnlyList<string> cycles, CancellationToken cancellationToken = default)
    {
        _messages.Add(new ChatMessage(ChatRole.User, PlanPrompts.Cycle(cycles)));
        var result = await RunAsync(AskModelSteps, 1, cancellationToken);
        return result.Plan;
    }

    private async Task<PlanAgentResult> RunAsync(int stepLimit, int submissionLimit, CancellationToken cancellationToken)
    {
        var options = new ChatOptions
        {
            Tools = ask is null ? [.. _tools.Values, SubmitPlanTool.Instance] : [.. _tools.Values, SubmitPlanTool.Instance, ask],
            ToolMode = ChatToolMode.Auto,
            AllowMultipleToolCalls = true,
        };
        var steps = 0;
        var submitted = 0;
        var quiet = 0;
        string? lastErrors = null;
        while (true)
        {
            if (budget.Exhausted() is { } spent)
            {
                return new PlanAgentResult(null, spent, _submissions, steps);
            }
            if (steps >= stepLimit)
            {
                return new PlanAgentResult(null, $"the plan agent made {steps} model calls without submitting a valid plan{Last(lastErrors)}", _submissions, steps);
            }

            if (inbox is not null && await inbox.NextAsync(cancellationToken) is { } note)
            {
                _messages.Add(new ChatMessage(ChatRole.User, note));
            }

            var before = ContextCompactor.EstimateTokens(_messages);
            var folded = ContextCompactor.CompactIfNeeded(_messages, budget.Budget.ContextTokens, pinned: 2);
            if (folded > 0)
            {
                await observer.ContextCompactedAsync(folded, before, ContextCompactor.EstimateTokens(_messages), cancellationToken);
            }

            budget.CountStep();
            steps++;
            await observer.ModelRequestAsync(budget.Steps, _messages.Count, ContextCompactor.EstimateTokens(_messages), cancellationToken);
            var started = time.GetTimestamp();
            var response = await StreamAsync(options, cancellationToken);
            var usage = meter.Measure(response);
            budget.Add(usage);
            var calls = response.Messages.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).ToList();
            await observer.ModelResponseAsync(budget.Steps, usage, response.Text, calls.Count, time.GetElapsedTime(started), cancellationToken);
            _messages.AddRange(response.Messages);

            if (calls.Count == 0)
            {
                if (++quiet >= MaxTurnsWithoutTools)
                {
                    return new PlanAgentResult(null, $"the plan agent stopped without calling submit_plan{Last(lastErrors)}", _submissions, steps);
                }
                _messages.Add(new ChatMessage(ChatRole.User, PlanPrompts.Nudge));
                continue;
            }
            quiet = 0;

            var results = new List<AIContent>();
            Plan? accepted = null;
            string? question = null;
            foreach (var call in calls)
            {
                string content;
                if (accepted is not null)
                {
                    content = "not run: the plan was already accepted";
                }
                else if (ask is not null && call.Name == ask.Name)
                {
                    var asked = await InvokeToolAsync(ask, call, cancellationToken);
                    question ??= asked.Question;
                    content = asked.Content;
                }
                else if (call.Name == PlanSchema.ToolName)
                {
                    _submissions++;
                    submitted++;
                    (accepted, content) = await SubmitAsync(call, submitted, submissionLimit, cancellationToken);
                    lastErrors = accepted is null ? content : null;
                }
                else
                {
                    content = await InvokeReadToolAsync(call, cancellationToken);
                }
                results.Add(new FunctionResultContent(call.CallId, content));
            }
            _messages.Add(new ChatMessage(ChatRole.Tool, results));

            if (accepted is not null)
            {
                return new PlanAgentResult(accepted, null, _submissions, steps);
            }
            if (question is not null)
            {
                return new PlanAgentResult(null, "the plan agent asked a question", _submissions, steps) { Question = question };
            }
            if (submitted >= submissionLimit && lastErrors is not null)
            {
                return new PlanAgentResult(null, $"the plan was refused {submitted} time{(submitted == 1 ? "" : "s")}{Last(lastErrors)}", _submissions, steps);
            }
        }
    }

    private async Task<ChatResponse> StreamAsync(ChatOptions options, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        var announced = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var update in chat.GetStreamingResponseAsync(_messages, options, cancellationToken))
        {
            updates.Add(update);
            foreach (var call in update.Contents.OfType<FunctionCallContent>())
            {
                if (call.Name == PlanSchema.ToolName && onPartial is not null && announced.Add(call.CallId ?? ""))
                {
                    var submission = _submissions + announced.Count;
                    var index = 0;
                    foreach (var subtask in PlanWire.PartialSubtasks(ArgumentsJson(call) ?? "{}"))
                    {
                        await onPartial(submission, index++, subtask, cancellationToken);
                    }
                }
            }
        }
        return updates.ToChatResponse();
    }

    private async Task<(Plan? Plan, string Content)> SubmitAsync(FunctionCallContent call, int submitted, int submissionLimit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var json = ArgumentsJson(call);
        await observer.ToolCallAsync(call.CallId, call.Name, json ?? "{}", cancellationToken);
        var parsed = call.Exception is not null || json is null
            ? new PlanParseResult(null, [$"the arguments of submit_plan are not valid JSON ({call.Exception?.Message ?? "unreadable"}); send one object with a 'subtasks' array"])
            : PlanParser.Parse(json);
        string content;
        if (parsed.IsValid)
        {
            content = $"plan accepted: {parsed.Plan!.Subtasks.Count} subtask{(parsed.Plan.Subtasks.Count == 1 ? "" : "s")}";
        }
        else
        {
            var left = submissionLimit - submitted;
            content = parsed.ErrorReport() + (left > 0
                ? $"\n({left} more submission{(left == 1 ? "" : "s")} allowed.)"
                : "\n(No submissions left: the task will run without a plan.)");
        }
        await observer.ToolResultAsync(call.CallId, call.Name, !parsed.IsValid, content, clock.Elapsed, cancellationToken);
        return (parsed.IsValid ? parsed.Plan : null, content);
    }

    private async Task<ToolResult> InvokeToolAsync(AgentTool tool, FunctionCallContent call, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await observer.ToolCallAsync(call.CallId, call.Name, ArgumentsJson(call) ?? "{}", cancellationToken);
        var result = await ToolBox.ExecuteAsync(tool, call, context, cancellationToken);
        await observer.ToolResultAsync(call.CallId, call.Name ?? "", result.IsError, result.Content, clock.Elapsed, cancellationToken);
        return result;
    }

    private async Task<string> InvokeReadToolAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await observer.ToolCallAsync(call.CallId, call.Name, ArgumentsJson(call) ?? "{}", cancellationToken);
        var result = _tools.TryGetValue(call.Name ?? "", out var tool)
            ? await ToolBox.ExecuteAsync(tool, call, context, cancellationToken)
            : ToolResult.Error($"the plan agent cannot use '{Clip(call.Name)}'; it can only read ({string.Join(", ", _tools.Keys)}) and call submit_plan");
        await observer.ToolResultAsync(call.CallId, call.Name ?? "", result.IsError, result.Content, clock.Elapsed, cancellationToken);
        return result.Content;
    }

    private static string? ArgumentsJson(FunctionCallContent call)
    {
        try
        {
            return JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException)
        {
            return null;
        }
    }

    private static string Last(string? errors) =>
        errors is null ? "" : "; the last refusal said: " + Clip(errors.ReplaceLineEndings(" "), 600);

    private static string Clip(string? value, int max = 60) => value is null ? "" : value.Length <= max ? value : value[..max] + "…";
}

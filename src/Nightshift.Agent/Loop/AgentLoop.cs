using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Tools;
using Nightshift.Core.Telemetry;

namespace Nightshift.Agent.Loop;

/// <summary>
/// The build agent's conversation: ask the model, run the tools it calls (in order, each one checked), feed the
/// results back, until it calls <c>finish</c> or a budget runs out. A refused or malformed tool call goes back to the
/// model as an error; it never ends the task. Messages people sent the task meanwhile (<paramref name="inbox"/>) join the
/// conversation before each model turn; a question asked through <c>ask</c> ends the loop to wait for the answer.
/// </summary>
public sealed class AgentLoop(
    IChatClient chat,
    IReadOnlyList<AgentTool> tools,
    ToolContext context,
    IAgentObserver observer,
    IUsageMeter meter,
    BudgetTracker budget,
    TimeProvider time,
    IAgentInbox? inbox = null)
{
    private const int MaxTurnsWithoutTools = 3;
    private readonly Dictionary<string, AgentTool> _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Runs the conversation on. <paramref name="messages"/> is extended in place, so later rounds continue it.</summary>
    /// <param name="pinned">how many leading messages (system prompt, task) compaction must keep.</param>
    public async Task<AgentLoopResult> RunAsync(IList<ChatMessage> messages, int pinned, CancellationToken cancellationToken)
    {
        var options = new ChatOptions { Tools = [.. tools], ToolMode = ChatToolMode.Auto, AllowMultipleToolCalls = true };
        var turnsWithoutTools = 0;
        var steps = 0;
        string? lastText = null;

        while (true)
        {
            if (budget.Exhausted() is { } reason)
            {
                return new AgentLoopResult(false, lastText, reason, steps);
            }

            if (inbox is not null && await inbox.NextAsync(cancellationToken) is { } note)
            {
                messages.Add(new ChatMessage(ChatRole.User, note));
            }

            var before = ContextCompactor.EstimateTokens(messages);
            var folded = ContextCompactor.CompactIfNeeded(messages, budget.Budget.ContextTokens, pinned);
            if (folded > 0)
            {
                await observer.ContextCompactedAsync(folded, before, ContextCompactor.EstimateTokens(messages), cancellationToken);
            }

            budget.CountStep();
            steps++;
            await observer.ModelRequestAsync(budget.Steps, messages.Count, ContextCompactor.EstimateTokens(messages), cancellationToken);
            var started = time.GetTimestamp();
            var response = await chat.GetResponseAsync(messages, options, cancellationToken);
            var usage = meter.Measure(response);
            budget.Add(usage);

            var calls = response.Messages.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).ToList();
            lastText = string.IsNullOrWhiteSpace(response.Text) ? lastText : response.Text;
            await observer.ModelResponseAsync(budget.Steps, usage, response.Text, calls.Count, time.GetElapsedTime(started), cancellationToken);
            foreach (var message in response.Messages)
            {
                messages.Add(message);
            }

            if (calls.Count == 0)
            {
                turnsWithoutTools++;
                if (turnsWithoutTools >= MaxTurnsWithoutTools)
                {
                    // The model keeps talking instead of acting; take its word as the summary and let verification judge.
                    return new AgentLoopResult(true, lastText, null, steps);
                }
                messages.Add(new ChatMessage(ChatRole.User,
                    "Continue with the tools: make the change, run the tests with `run`, and call `finish` with a summary when you are done."));
                continue;
            }
            turnsWithoutTools = 0;

            var results = new List<AIContent>();
            ToolResult? finish = null;
            string? question = null;
            foreach (var call in calls)
            {
                var result = await InvokeAsync(call, cancellationToken);
                results.Add(new FunctionResultContent(call.CallId, result.Content));
                finish ??= result.FinishSummary is null ? null : result;
                question ??= result.Question;
            }
            messages.Add(new ChatMessage(ChatRole.Tool, results));

            if (question is not null && finish is null)
            {
                return new AgentLoopResult(false, lastText, null, steps) { Question = question };
            }

            if (finish is not null)
            {
                return new AgentLoopResult(true, finish.FinishSummary, null, steps) { OutOfScope = finish.OutOfScope, Answer = finish.Answer };
            }
        }
    }

    private async Task<ToolResult> InvokeAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        using var activity = NightshiftActivities.Source.StartActivity(
            NightshiftActivities.ToolCall(KnownTool(call)), ActivityKind.Internal);
        activity?.SetTag(NightshiftActivities.OperationTag, "execute_tool");
        activity?.SetTag(NightshiftActivities.ToolNameTag, Clip(call.Name));
        activity?.SetTag(NightshiftActivities.ToolCallIdTag, Clip(call.CallId));
        var started = Stopwatch.GetTimestamp();
        var argumentsJson = SafeArgumentsJson(call);
        await observer.ToolCallAsync(call.CallId, call.Name, argumentsJson, cancellationToken);
        var result = _tools.TryGetValue(call.Name ?? "", out var tool)
            ? await ToolBox.ExecuteAsync(tool, call, context, cancellationToken)
            : ToolResult.Error($"there is no tool named '{Clip(call.Name)}'; the tools are: {string.Join(", ", _tools.Keys)}");
        if (result.IsError)
        {
            // The tool's message can quote the worktree; the span says only that the call was refused or failed.
            activity?.SetStatus(ActivityStatusCode.Error, "the tool call returned an error");
        }
        await observer.ToolResultAsync(call.CallId, call.Name ?? "", result.IsError, result.Content, Stopwatch.GetElapsedTime(started), cancellationToken);
        return result;
    }

    // A span's name is bounded: a name the model made up is not one of the tools.
    private string? KnownTool(FunctionCallContent call) => _tools.ContainsKey(call.Name ?? "") ? call.Name : null;

    private static string SafeArgumentsJson(FunctionCallContent call)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>());
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return "{}";
        }
    }

    private static string Clip(string? value) => value is null ? "" : value.Length <= 60 ? value : value[..60] + "…";
}

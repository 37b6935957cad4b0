using System.Text;
using Microsoft.Extensions.AI;

namespace Nightshift.Agent.Loop;

/// <summary>
/// Keeps a conversation within a token budget: the system prompt and the task stay, the newest turns stay verbatim,
/// and older turns are replaced by one summary of what was done (tool calls and the first line of their results).
/// Estimation is deliberately simple (about four characters a token): it only has to be conservative.
/// </summary>
public static class ContextCompactor
{
    private const int CharsPerToken = 4;

    public static int EstimateTokens(IEnumerable<ChatMessage> messages) => messages.Sum(EstimateTokens);

    public static int EstimateTokens(ChatMessage message)
    {
        var chars = 16;
        foreach (var content in message.Contents)
        {
            chars += content switch
            {
                TextContent t => t.Text?.Length ?? 0,
                FunctionCallContent c => c.Name.Length + (c.Arguments?.Sum(a => a.Key.Length + (a.Value?.ToString()?.Length ?? 4)) ?? 0) + 32,
                FunctionResultContent r => (r.Result?.ToString()?.Length ?? 0) + 32,
                DataContent d => 1_000 + d.Data.Length / 1_000,
                _ => 64,
            };
        }
        return chars / CharsPerToken;
    }

    /// <summary>Compacts <paramref name="messages"/> in place when it is over budget; returns how many messages were folded.</summary>
    /// <param name="pinned">leading messages that always stay (system prompt, task).</param>
    public static int CompactIfNeeded(IList<ChatMessage> messages, int budgetTokens, int pinned)
    {
        if (EstimateTokens(messages) <= budgetTokens || messages.Count <= pinned + 2)
        {
            return 0;
        }

        // Keep the newest messages that fit in half the budget, starting at an assistant turn so a tool result is
        // never separated from the call that asked for it.
        var keepFrom = messages.Count;
        var kept = 0;
        for (var i = messages.Count - 1; i >= pinned; i--)
        {
            kept += EstimateTokens(messages[i]);
            if (kept > budgetTokens / 2 && keepFrom < messages.Count)
            {
                break;
            }
            keepFrom = i;
        }
        while (keepFrom < messages.Count && messages[keepFrom].Role != ChatRole.Assistant)
        {
            keepFrom++;
        }
        if (keepFrom >= messages.Count)
        {
            keepFrom = messages.Count - 1;
            while (keepFrom > pinned && messages[keepFrom].Role != ChatRole.Assistant)
            {
                keepFrom--;
            }
        }
        var folded = keepFrom - pinned;
        if (folded <= 0)
        {
            return 0;
        }

        var summary = Summarize(messages.Skip(pinned).Take(folded));
        for (var i = 0; i < folded; i++)
        {
            messages.RemoveAt(pinned);
        }
        messages.Insert(pinned, new ChatMessage(ChatRole.User, summary));
        return folded;
    }

    private static string Summarize(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder("Earlier steps of this task were compacted to save context. What was done so far:\n");
        var results = new Dictionary<string, string>();
        var list = messages.ToList();
        foreach (var result in list.SelectMany(m => m.Contents.OfType<FunctionResultContent>()))
        {
            results[result.CallId] = FirstLine(result.Result?.ToString());
        }
        foreach (var message in list)
        {
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case FunctionCallContent call:
                        var args = call.Arguments is null ? "" : string.Join(", ", call.Arguments.Select(a => $"{a.Key}={Clip(a.Value?.ToString(), 80)}"));
                        text.Append("- ").Append(call.Name).Append('(').Append(args).Append(") → ")
                            .Append(results.GetValueOrDefault(call.CallId, "no result")).Append('\n');
                        break;
                    case TextContent { Text.Length: > 0 } t when message.Role == ChatRole.Assistant:
                        text.Append("- you said: ").Append(Clip(t.Text, 200)).Append('\n');
                        break;
                    case TextContent { Text.Length: > 0 } t when message.Role == ChatRole.User:
                        text.Append("- feedback: ").Append(Clip(t.Text, 400)).Append('\n');
                        break;
                }
            }
        }
        text.Append("Files may have changed since; read them again before editing.");
        return text.ToString();
    }

    private static string FirstLine(string? value) => Clip((value ?? "").Split('\n', 2)[0], 160);

    private static string Clip(string? value, int max)
    {
        value ??= "";
        value = value.ReplaceLineEndings(" ");
        return value.Length <= max ? value : value[..max] + "…";
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Nightshift.Fleet.Tests.Model;

/// <summary>
/// Chat Completions requests shaped like the engine's (the plan agent streams with <c>submit_plan</c> and the read
/// tools; the build loop does not stream and offers the edit tools), and a reader for the answers, streamed or not.
/// </summary>
internal static class EngineShapedRequests
{
    private static readonly string[] PlanTools = ["list_files", "read_file", "search", "submit_plan"];
    private static readonly string[] BuildTools = ["list_files", "read_file", "search", "edit_file", "write_file", "run", "git_diff", "finish"];

    public static object Plan(string instruction) => new
    {
        model = "gpt-4.1",
        stream = true,
        stream_options = new { include_usage = true },
        messages = new object[]
        {
            new { role = "system", content = "You are Nightshift's planner." },
            new { role = "user", content = $"Task: Fleet task\n\n{instruction}\n" },
        },
        tools = Tools(PlanTools),
    };

    public static object BuildStart(string instruction, string? subtask) => new
    {
        model = "gpt-4.1",
        messages = new object[]
        {
            new { role = "system", content = "You are Nightshift's build agent." },
            new { role = "user", content = SubtaskPrompt(instruction, subtask) },
        },
        tools = Tools(BuildTools),
    };

    public static object BuildTurn(string instruction, string subtask, string writtenPath) => new
    {
        model = "gpt-4.1",
        messages = new object[]
        {
            new { role = "system", content = "You are Nightshift's build agent." },
            new { role = "user", content = SubtaskPrompt(instruction, subtask) },
            new
            {
                role = "assistant",
                content = (string?)null,
                tool_calls = new[] { new { id = "call_1_0", type = "function", function = new { name = "write_file", arguments = JsonSerializer.Serialize(new { path = writtenPath, content = "x" }) } } },
            },
            new { role = "tool", tool_call_id = "call_1_0", content = $"wrote {writtenPath}" },
        },
        tools = Tools(BuildTools),
    };

    /// <summary>The tool calls of an answer: (name, arguments), from a JSON completion or its server-sent events.</summary>
    public static async Task<List<(string Name, JsonElement Arguments)>> ToolCallsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var calls = new List<(string Name, StringBuilder Arguments)>();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            foreach (var line in text.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
            {
                using var chunk = JsonDocument.Parse(line["data: ".Length..]);
                foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
                {
                    if (!choice.GetProperty("delta").TryGetProperty("tool_calls", out var deltas))
                    {
                        continue;
                    }
                    foreach (var delta in deltas.EnumerateArray())
                    {
                        var index = delta.GetProperty("index").GetInt32();
                        var function = delta.GetProperty("function");
                        if (index == calls.Count)
                        {
                            calls.Add((function.GetProperty("name").GetString()!, new StringBuilder()));
                        }
                        calls[index].Arguments.Append(function.GetProperty("arguments").GetString());
                    }
                }
            }
        }
        else
        {
            using var completion = JsonDocument.Parse(text);
            var message = completion.RootElement.GetProperty("choices")[0].GetProperty("message");
            foreach (var call in message.GetProperty("tool_calls").EnumerateArray())
            {
                var function = call.GetProperty("function");
                calls.Add((function.GetProperty("name").GetString()!, new StringBuilder(function.GetProperty("arguments").GetString())));
            }
        }
        return [.. calls.Select(c => (c.Name, JsonDocument.Parse(c.Arguments.ToString()).RootElement.Clone()))];
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient http, Uri baseUri, object request) =>
        http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"), request);

    private static string SubtaskPrompt(string instruction, string? subtask) =>
        subtask is null
            ? $"Task: Fleet task\n\n{instruction}\n"
            : $"Overall task: Fleet task\n\n{instruction}\n\nYour subtask now is '{subtask}': Write it\n\nDo only this subtask.\n";

    private static object[] Tools(IEnumerable<string> names) =>
        [.. names.Select(n => new { type = "function", function = new { name = n, description = n, parameters = new { type = "object" } } })];
}

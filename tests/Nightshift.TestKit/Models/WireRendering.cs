using System.Text.Json;

namespace Nightshift.TestKit.Models;

/// <summary>Renders scripted answers in the providers' real wire formats (JSON bodies and SSE events).</summary>
internal static class WireRendering
{
    public const int TextChunk = 5;
    public const int ArgumentChunk = 7;

    public static string OpenAIError(string message, int status) => JsonSerializer.Serialize(new
    {
        error = new { message, type = status == 429 ? "rate_limit_exceeded" : status is 401 or 403 ? "invalid_request_error" : "server_error", param = (string?)null, code = (string?)null },
    });

    public static string AnthropicError(string message, int status) => JsonSerializer.Serialize(new
    {
        type = "error",
        error = new { type = status switch { 401 => "authentication_error", 403 => "permission_error", 429 => "rate_limit_error", 529 => "overloaded_error", >= 500 => "api_error", _ => "invalid_request_error" }, message },
    });

    public static string OpenAICompletion(ScriptedAnswer answer, string model, int number) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = $"chatcmpl-{number}",
        ["object"] = "chat.completion",
        ["created"] = 1_760_000_000 + number,
        ["model"] = model,
        ["choices"] = new object[]
        {
            new Dictionary<string, object?>
            {
                ["index"] = 0,
                ["message"] = new Dictionary<string, object?>
                {
                    ["role"] = "assistant",
                    ["content"] = answer.Content,
                    ["refusal"] = null,
                    ["tool_calls"] = answer.Calls.Count == 0 ? null : answer.Calls.Select((c, i) => new
                    {
                        id = CallId(c, number, i, "call"),
                        type = "function",
                        function = new { name = c.Name, arguments = c.ArgumentsJson },
                    }).ToArray(),
                },
                ["logprobs"] = null,
                ["finish_reason"] = answer.Calls.Count > 0 ? "tool_calls" : "stop",
            },
        },
        ["usage"] = OpenAIUsage(answer.Usage),
    });

    public static IEnumerable<string> OpenAIStream(ScriptedAnswer answer, string model, int number, bool includeUsage)
    {
        var id = $"chatcmpl-{number}";
        object Chunk(object delta, string? finish) => new Dictionary<string, object?>
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_760_000_000 + number,
            ["model"] = model,
            ["choices"] = new object[] { new Dictionary<string, object?> { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish } },
        };
        yield return Data(Chunk(new { role = "assistant", content = "" }, null));
        foreach (var piece in Pieces(answer.Content ?? string.Empty, TextChunk))
        {
            yield return Data(Chunk(new { content = piece }, null));
        }
        for (var i = 0; i < answer.Calls.Count; i++)
        {
            var call = answer.Calls[i];
            yield return Data(Chunk(new { tool_calls = new[] { new { index = i, id = CallId(call, number, i, "call"), type = "function", function = new { name = call.Name, arguments = "" } } } }, null));
            foreach (var piece in Pieces(call.ArgumentsJson, ArgumentChunk))
            {
                yield return Data(Chunk(new { tool_calls = new[] { new { index = i, function = new { arguments = piece } } } }, null));
            }
        }
        yield return Data(Chunk(new { }, answer.Calls.Count > 0 ? "tool_calls" : "stop"));
        if (includeUsage)
        {
            yield return Data(new Dictionary<string, object?>
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_760_000_000 + number,
                ["model"] = model,
                ["choices"] = Array.Empty<object>(),
                ["usage"] = OpenAIUsage(answer.Usage),
            });
        }
        yield return "data: [DONE]\n\n";
    }

    public static string AnthropicMessage(ScriptedAnswer answer, string model, int number) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = $"msg_{number}",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = AnthropicBlocks(answer, number).ToArray(),
        ["stop_reason"] = answer.Calls.Count > 0 ? "tool_use" : "end_turn",
        ["stop_sequence"] = null,
        ["usage"] = AnthropicUsage(answer.Usage, answer.Usage.Output),
    });

    public static IEnumerable<string> AnthropicStream(ScriptedAnswer answer, string model, int number)
    {
        yield return Event("message_start", new
        {
            type = "message_start",
            message = new Dictionary<string, object?>
            {
                ["id"] = $"msg_{number}",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = Array.Empty<object>(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = AnthropicUsage(answer.Usage, 1),
            },
        });
        var index = 0;
        if (!string.IsNullOrEmpty(answer.Content))
        {
            yield return Event("content_block_start", new { type = "content_block_start", index, content_block = new { type = "text", text = "" } });
            foreach (var piece in Pieces(answer.Content, TextChunk))
            {
                yield return Event("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "text_delta", text = piece } });
            }
            yield return Event("content_block_stop", new { type = "content_block_stop", index });
            index++;
        }
        for (var i = 0; i < answer.Calls.Count; i++, index++)
        {
            var call = answer.Calls[i];
            yield return Event("content_block_start", new { type = "content_block_start", index, content_block = new { type = "tool_use", id = CallId(call, number, i, "toolu"), name = call.Name, input = new { } } });
            foreach (var piece in Pieces(call.ArgumentsJson, ArgumentChunk))
            {
                yield return Event("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = piece } });
            }
            yield return Event("content_block_stop", new { type = "content_block_stop", index });
        }
        yield return Event("message_delta", new
        {
            type = "message_delta",
            delta = new { stop_reason = answer.Calls.Count > 0 ? "tool_use" : "end_turn", stop_sequence = (string?)null },
            usage = new { output_tokens = answer.Usage.Output },
        });
        yield return Event("message_stop", new { type = "message_stop" });
    }

    private static IEnumerable<object> AnthropicBlocks(ScriptedAnswer answer, int number)
    {
        if (!string.IsNullOrEmpty(answer.Content))
        {
            yield return new { type = "text", text = answer.Content };
        }
        for (var i = 0; i < answer.Calls.Count; i++)
        {
            var call = answer.Calls[i];
            using var document = JsonDocument.Parse(call.ArgumentsJson);
            yield return new { type = "tool_use", id = CallId(call, number, i, "toolu"), name = call.Name, input = document.RootElement.Clone() };
        }
    }

    private static object OpenAIUsage(ScriptedUsage usage) => new
    {
        prompt_tokens = usage.Input,
        completion_tokens = usage.Output,
        total_tokens = usage.Input + usage.Output,
        prompt_tokens_details = new { cached_tokens = usage.Cached, audio_tokens = 0 },
        completion_tokens_details = new { reasoning_tokens = 0, audio_tokens = 0 },
    };

    private static object AnthropicUsage(ScriptedUsage usage, int output) => new
    {
        input_tokens = usage.Input - usage.Cached,
        output_tokens = output,
        cache_read_input_tokens = usage.Cached,
        cache_creation_input_tokens = 0,
    };

    private static string CallId(ScriptedToolCall call, int number, int index, string prefix) => call.Id ?? $"{prefix}_{number}_{index}";

    private static string Data(object payload) => $"data: {JsonSerializer.Serialize(payload)}\n\n";

    private static string Event(string name, object payload) => $"event: {name}\ndata: {JsonSerializer.Serialize(payload)}\n\n";

    private static IEnumerable<string> Pieces(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }
}

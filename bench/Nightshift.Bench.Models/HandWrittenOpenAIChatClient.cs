using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;
using AIFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using AIResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;
using OpenAIFinishReason = OpenAI.Chat.ChatFinishReason;
using OpenAIResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace Nightshift.Bench.Models;

/// <summary>
/// The hand-written Chat Completions adapter Nightshift used before Microsoft.Extensions.AI.OpenAI was available,
/// kept here only as the baseline the official adapter's overhead is measured against.
/// </summary>
internal sealed class HandWrittenOpenAIChatClient(ChatClient chatClient, string providerName, Uri? endpoint, string? model) : IChatClient
{
    // The shared AI options indent their output; arguments and results go on the wire compact.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private readonly ChatClientMetadata _metadata = new(providerName, endpoint, model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = await chatClient.CompleteChatAsync(ToOpenAIMessages(messages, options), ToOpenAIOptions(options), cancellationToken).ConfigureAwait(false);
        return FromCompletion(result.Value);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var toolCalls = new SortedDictionary<int, ToolCallBuilder>();
        string? responseId = null;
        string? modelId = null;
        DateTimeOffset? createdAt = null;
        AIFinishReason? finishReason = null;
        var updates = chatClient.CompleteChatStreamingAsync(ToOpenAIMessages(messages, options), ToOpenAIOptions(options), cancellationToken);
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            responseId ??= update.CompletionId;
            modelId ??= update.Model;
            createdAt ??= update.CreatedAt == default ? null : update.CreatedAt;
            if (update.FinishReason is { } reason)
            {
                finishReason = ToFinishReason(reason);
            }
            foreach (var delta in update.ToolCallUpdates)
            {
                if (!toolCalls.TryGetValue(delta.Index, out var builder))
                {
                    builder = new ToolCallBuilder();
                    toolCalls[delta.Index] = builder;
                }
                builder.Id ??= delta.ToolCallId;
                builder.Name ??= delta.FunctionName;
                if (delta.FunctionArgumentsUpdate is { } fragment && !fragment.IsEmpty)
                {
                    builder.Arguments.Append(fragment.ToString());
                }
            }
            var contents = new List<AIContent>();
            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                {
                    contents.Add(new TextContent(part.Text));
                }
            }
            if (!string.IsNullOrEmpty(update.RefusalUpdate))
            {
                contents.Add(new TextContent(update.RefusalUpdate));
            }
            if (update.Usage is { } usage)
            {
                contents.Add(new UsageContent(ToUsage(usage)));
            }
            if (contents.Count > 0)
            {
                yield return new ChatResponseUpdate(AIChatRole.Assistant, contents)
                {
                    ResponseId = responseId,
                    MessageId = responseId,
                    ModelId = modelId,
                    CreatedAt = createdAt,
                    RawRepresentation = update,
                };
            }
        }
        // Tool-call arguments arrive in fragments; they are only complete JSON once the stream ends.
        var final = new ChatResponseUpdate(AIChatRole.Assistant, [.. toolCalls.Values.Select(b => (AIContent)ToFunctionCall(b.Id ?? string.Empty, b.Name ?? string.Empty, b.Arguments.ToString()))])
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = modelId,
            CreatedAt = createdAt,
            FinishReason = finishReason,
        };
        yield return final;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(ChatClient) ? chatClient
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    internal static List<OpenAIChatMessage> ToOpenAIMessages(IEnumerable<AIChatMessage> messages, ChatOptions? options)
    {
        var result = new List<OpenAIChatMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            result.Add(new SystemChatMessage(options.Instructions));
        }
        foreach (var message in messages)
        {
            var role = message.Role;
            if (role == AIChatRole.System)
            {
                result.Add(new SystemChatMessage(message.Text));
            }
            else if (role == AIChatRole.Assistant)
            {
                var calls = message.Contents.OfType<FunctionCallContent>()
                    .Select(c => ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, BinaryData.FromString(SerializeArguments(c.Arguments))))
                    .ToList();
                var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
                if (calls.Count > 0)
                {
                    var assistant = new AssistantChatMessage(calls);
                    if (text.Length > 0)
                    {
                        assistant.Content.Add(ChatMessageContentPart.CreateTextPart(text));
                    }
                    result.Add(assistant);
                }
                else
                {
                    result.Add(new AssistantChatMessage(text));
                }
            }
            else
            {
                var parts = new List<ChatMessageContentPart>();
                foreach (var content in message.Contents)
                {
                    switch (content)
                    {
                        case FunctionResultContent functionResult:
                            result.Add(new ToolChatMessage(functionResult.CallId, SerializeResult(functionResult)));
                            break;
                        case TextContent text:
                            parts.Add(ChatMessageContentPart.CreateTextPart(text.Text));
                            break;
                        case DataContent data when data.HasTopLevelMediaType("image"):
                            parts.Add(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType));
                            break;
                        case UriContent uri when uri.HasTopLevelMediaType("image"):
                            parts.Add(ChatMessageContentPart.CreateImagePart(uri.Uri));
                            break;
                        default:
                            break;
                    }
                }
                if (parts.Count > 0)
                {
                    result.Add(new UserChatMessage(parts));
                }
            }
        }
        return result;
    }

    internal static ChatCompletionOptions ToOpenAIOptions(ChatOptions? options)
    {
        var result = new ChatCompletionOptions();
        if (options is null)
        {
            return result;
        }
        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.MaxOutputTokenCount = options.MaxOutputTokens;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
        foreach (var stop in options.StopSequences ?? [])
        {
            result.StopSequences.Add(stop);
        }
        var functions = (options.Tools ?? []).OfType<AIFunctionDeclaration>().ToList();
        foreach (var function in functions)
        {
            result.Tools.Add(ChatTool.CreateFunctionTool(function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText())));
        }
        if (functions.Count > 0)
        {
            result.AllowParallelToolCalls = options.AllowMultipleToolCalls;
            result.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                AutoChatToolMode => ChatToolChoice.CreateAutoChoice(),
                _ => null,
            };
        }
        result.ResponseFormat = options.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => OpenAIResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
            ChatResponseFormatJson => OpenAIResponseFormat.CreateJsonObjectFormat(),
            ChatResponseFormatText => OpenAIResponseFormat.CreateTextFormat(),
            _ => null,
        };
        return result;
    }

    internal static ChatResponse FromCompletion(ChatCompletion completion)
    {
        var message = new AIChatMessage(AIChatRole.Assistant, []) { MessageId = completion.Id, RawRepresentation = completion };
        foreach (var part in completion.Content)
        {
            if (part.Kind == ChatMessageContentPartKind.Text && part.Text is not null)
            {
                message.Contents.Add(new TextContent(part.Text));
            }
        }
        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            message.Contents.Add(new TextContent(completion.Refusal));
        }
        foreach (var call in completion.ToolCalls)
        {
            message.Contents.Add(ToFunctionCall(call.Id, call.FunctionName, call.FunctionArguments?.ToString() ?? string.Empty));
        }
        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt == default ? null : completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = completion.Usage is { } usage ? ToUsage(usage) : null,
            RawRepresentation = completion,
        };
    }

    internal static UsageDetails ToUsage(ChatTokenUsage usage) => new()
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.InputTokenDetails?.CachedTokenCount,
        ReasoningTokenCount = usage.OutputTokenDetails?.ReasoningTokenCount,
    };

    private static AIFinishReason ToFinishReason(OpenAIFinishReason reason) => reason switch
    {
        OpenAIFinishReason.Length => AIFinishReason.Length,
        OpenAIFinishReason.ContentFilter => AIFinishReason.ContentFilter,
        OpenAIFinishReason.ToolCalls or OpenAIFinishReason.FunctionCall => AIFinishReason.ToolCalls,
        _ => AIFinishReason.Stop,
    };

    private static FunctionCallContent ToFunctionCall(string id, string name, string json) =>
        FunctionCallContent.CreateFromParsedArguments(
            string.IsNullOrWhiteSpace(json) ? "{}" : json,
            id,
            name,
            static text => JsonSerializer.Deserialize<IDictionary<string, object?>>(text, AIJsonUtilities.DefaultOptions));

    private static string SerializeArguments(IDictionary<string, object?>? arguments) =>
        arguments is null ? "{}" : JsonSerializer.Serialize(arguments, Compact.GetTypeInfo(typeof(IDictionary<string, object?>)));

    private static string SerializeResult(FunctionResultContent result)
    {
        if (result.Exception is { } exception && result.Result is null)
        {
            return $"Error: {exception.Message}";
        }
        return result.Result switch
        {
            null => string.Empty,
            string text => text,
            JsonElement element => element.ValueKind == JsonValueKind.String ? element.GetString() ?? string.Empty : element.GetRawText(),
            var other => JsonSerializer.Serialize(other, Compact.GetTypeInfo(other.GetType())),
        };
    }

    private sealed class ToolCallBuilder
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}

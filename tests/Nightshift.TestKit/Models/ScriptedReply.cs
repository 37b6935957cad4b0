namespace Nightshift.TestKit.Models;

/// <summary>What the scripted server answers to one request. The same reply renders in either wire format.</summary>
public abstract record ScriptedReply
{
    public static ScriptedAnswer Text(string text) => new(text, []);

    public static ScriptedAnswer ToolCall(string name, object arguments, string? id = null) =>
        new(null, [ScriptedToolCall.Of(name, arguments, id)]);

    public static ScriptedAnswer ToolCalls(params ScriptedToolCall[] calls) => new(null, calls);

    /// <summary>An error status with the provider's error body; <paramref name="retryAfter"/> is the raw header value.</summary>
    public static ScriptedFailure Status(int status, string message = "scripted failure", string? retryAfter = null) =>
        new(status, message, retryAfter);

    /// <summary>Never answers (until the client gives up or the server stops).</summary>
    public static ScriptedHang Hang() => new();

    /// <summary>200 with a body that is not what the protocol promises.</summary>
    public static ScriptedRaw Malformed(string body = "{\"id\": \"x\", \"choices\": [ this is not json") =>
        new(200, "application/json", body);

    public static ScriptedRaw Raw(int status, string contentType, string body) => new(status, contentType, body);
}

/// <summary>A successful answer: text and/or tool calls, with usage.</summary>
public sealed record ScriptedAnswer(string? Content, IReadOnlyList<ScriptedToolCall> Calls) : ScriptedReply
{
    public ScriptedUsage Usage { get; init; } = ScriptedUsage.Default;

    public ScriptedAnswer WithUsage(int input, int output, int cached = 0) => this with { Usage = new ScriptedUsage(input, output, cached) };

    public ScriptedAnswer WithText(string text) => this with { Content = text };
}

public sealed record ScriptedFailure(int StatusCode, string Message, string? RetryAfter) : ScriptedReply;

public sealed record ScriptedHang : ScriptedReply;

public sealed record ScriptedRaw(int StatusCode, string ContentType, string Body) : ScriptedReply;

namespace Nightshift.TestKit.Forges;

/// <summary>An answer a fake forge gives instead of doing the call: an error status, a raw body, or a dropped connection.</summary>
public sealed record ForgeFault(int Status, string Body, string ContentType, IReadOnlyDictionary<string, string> Headers, bool Drop = false)
{
    public static ForgeFault Error(int status, string message = "scripted failure") =>
        new(status, $$"""{"message":{{System.Text.Json.JsonSerializer.Serialize(message)}}}""", "application/json", new Dictionary<string, string>());

    /// <summary>429 with Retry-After set to <paramref name="retryAfter"/> (seconds, or an HTTP date).</summary>
    public static ForgeFault RateLimited(string retryAfter) =>
        Error(429, "rate limit exceeded").WithHeader("Retry-After", retryAfter);

    public static ForgeFault Raw(int status, string body, string contentType) => new(status, body, contentType, new Dictionary<string, string>());

    /// <summary>The connection is closed without an answer.</summary>
    public static ForgeFault Dropped() => new(0, string.Empty, string.Empty, new Dictionary<string, string>(), Drop: true);

    public ForgeFault WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers) { [name] = value } };
}

namespace Nightshift.Models.Selection;

/// <summary>Environment variables the model layer reads (see docs/INTERFACES.md).</summary>
public static class ModelEnvironmentVariables
{
    public const string Model = "NIGHTSHIFT_MODEL";
    public const string PlanModel = "NIGHTSHIFT_PLAN_MODEL";
    public const string BuildModel = "NIGHTSHIFT_BUILD_MODEL";

    /// <summary>Comma-separated models tried in order when the chosen one still fails after its retries.</summary>
    public const string Fallbacks = "NIGHTSHIFT_MODEL_FALLBACKS";

    /// <summary>When set, every model call is recorded to this JSONL cassette.</summary>
    public const string RecordTo = "NIGHTSHIFT_MODEL_RECORD";

    public const string OpenAIApiKey = "OPENAI_API_KEY";
    public const string OpenAIBaseUrl = "OPENAI_BASE_URL";
    public const string AnthropicApiKey = "ANTHROPIC_API_KEY";
    public const string AnthropicBaseUrl = "ANTHROPIC_BASE_URL";
    public const string GeminiApiKey = "GEMINI_API_KEY";

    /// <summary>Not a Google variable: lets tests and proxies point gemini/… somewhere else.</summary>
    public const string GeminiBaseUrl = "GEMINI_BASE_URL";
    public const string OllamaHost = "OLLAMA_HOST";
    public const string OpenAICompatibleBaseUrl = "NIGHTSHIFT_OPENAI_COMPATIBLE_BASE_URL";
    public const string OpenAICompatibleApiKey = "NIGHTSHIFT_OPENAI_COMPATIBLE_API_KEY";

    /// <summary>The server's configured API token (<c>Auth:Token</c>); any shape, so it is masked by value.</summary>
    public const string ServerToken = "NIGHTSHIFT__Auth__Token";

    /// <summary>Variables whose values are secrets: redacted from cassettes, messages and logs.</summary>
    public static IReadOnlyList<string> SecretVariables { get; } =
        [OpenAIApiKey, AnthropicApiKey, GeminiApiKey, OpenAICompatibleApiKey, ServerToken];
}

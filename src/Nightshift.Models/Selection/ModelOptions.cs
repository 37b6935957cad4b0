using Nightshift.Models.Pricing;
using Nightshift.Models.Resilience;

namespace Nightshift.Models.Selection;

/// <summary>The <c>Models</c> configuration section. Environment variables win over these (see <see cref="ModelEnvironmentVariables"/>).</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Models";

    /// <summary>Default model (or comma-separated chain) for every phase.</summary>
    public string? Model { get; set; }

    public string? PlanModel { get; set; }

    public string? BuildModel { get; set; }

    /// <summary>Models tried in order after the chosen one still fails after its retries.</summary>
    public IList<string> Fallbacks { get; } = [];

    /// <summary>Base URL for <c>openai-compatible/…</c> (vLLM, LM Studio, OpenRouter…), e.g. <c>http://127.0.0.1:8000/v1</c>.</summary>
    public string? OpenAICompatibleBaseUrl { get; set; }

    /// <summary>Key for <c>openai-compatible/…</c>; optional, many local servers need none.</summary>
    public string? OpenAICompatibleApiKey { get; set; }

    /// <summary>Anthropic requires a maximum per answer; used when the caller's ChatOptions set none.</summary>
    public int AnthropicMaxOutputTokens { get; set; } = 8192;

    /// <summary>When set, every call made through clients of the factory is appended to this JSONL cassette.</summary>
    public string? RecordTo { get; set; }

    /// <summary>
    /// The only folder <c>replay/&lt;file&gt;</c> reads cassettes from (regular files, no links out). Unset: the
    /// data folder's <c>replay</c> folder under <c>nightshift up</c>, <c>worker</c> and <c>run</c>; replay is off elsewhere.
    /// </summary>
    public string? ReplayDirectory { get; set; }

    public ModelResilienceOptions Resilience { get; set; } = new();

    /// <summary>Prices added to or replacing the defaults, keyed <c>provider/model</c> (or just the model name).</summary>
    public IDictionary<string, ModelPrice> Prices { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
}

namespace Nightshift.Models.Pricing;

/// <summary>
/// List prices in USD per million tokens (input, cached input, output), as published by OpenAI, Anthropic and Google
/// on their pricing pages in November 2025 (standard tier, prompts under any long-context threshold). Prices change:
/// override or extend them with Models:Prices in configuration rather than trusting these blindly.
/// Anthropic's cache writes (1.25× input) are billed here as plain input, so their cost is slightly understated.
/// </summary>
internal static class DefaultModelPrices
{
    public static IReadOnlyDictionary<string, ModelPrice> All { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["openai/gpt-5"] = new(1.25m, 0.125m, 10.00m),
        ["openai/gpt-5-mini"] = new(0.25m, 0.025m, 2.00m),
        ["openai/gpt-5-nano"] = new(0.05m, 0.005m, 0.40m),
        ["openai/gpt-4.1"] = new(2.00m, 0.50m, 8.00m),
        ["openai/gpt-4.1-mini"] = new(0.40m, 0.10m, 1.60m),
        ["openai/gpt-4.1-nano"] = new(0.10m, 0.025m, 0.40m),
        ["openai/gpt-4o"] = new(2.50m, 1.25m, 10.00m),
        ["openai/gpt-4o-mini"] = new(0.15m, 0.075m, 0.60m),
        ["openai/o3"] = new(2.00m, 0.50m, 8.00m),
        ["openai/o4-mini"] = new(1.10m, 0.275m, 4.40m),
        ["anthropic/claude-opus-4-5"] = new(5.00m, 0.50m, 25.00m),
        ["anthropic/claude-opus-4-1"] = new(15.00m, 1.50m, 75.00m),
        ["anthropic/claude-opus-4"] = new(15.00m, 1.50m, 75.00m),
        ["anthropic/claude-sonnet-4-5"] = new(3.00m, 0.30m, 15.00m),
        ["anthropic/claude-sonnet-4"] = new(3.00m, 0.30m, 15.00m),
        ["anthropic/claude-3-7-sonnet"] = new(3.00m, 0.30m, 15.00m),
        ["anthropic/claude-haiku-4-5"] = new(1.00m, 0.10m, 5.00m),
        ["anthropic/claude-3-5-haiku"] = new(0.80m, 0.08m, 4.00m),
        ["gemini/gemini-2.5-pro"] = new(1.25m, 0.31m, 10.00m),
        ["gemini/gemini-2.5-flash"] = new(0.30m, 0.075m, 2.50m),
        ["gemini/gemini-2.5-flash-lite"] = new(0.10m, 0.025m, 0.40m),
        ["gemini/gemini-2.0-flash"] = new(0.10m, 0.025m, 0.40m),
    };
}

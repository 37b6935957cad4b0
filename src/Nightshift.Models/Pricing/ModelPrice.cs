namespace Nightshift.Models.Pricing;

/// <summary>US dollars per million tokens: fresh input, input read from the provider's cache, and output.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion)
{
    /// <summary>
    /// The cost of one call. <paramref name="inputTokens"/> counts every input token, cached ones included
    /// (as OpenAI reports them and as the usage mapping normalises Anthropic's); cached ones are billed at the cache rate.
    /// </summary>
    public decimal Cost(long inputTokens, long outputTokens, long cachedTokens)
    {
        var cached = Math.Clamp(cachedTokens, 0, Math.Max(0, inputTokens));
        var fresh = Math.Max(0, inputTokens) - cached;
        return ((fresh * InputPerMillion) + (cached * CachedInputPerMillion) + (Math.Max(0, outputTokens) * OutputPerMillion)) / 1_000_000m;
    }
}

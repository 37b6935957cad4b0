using System.Text.RegularExpressions;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Pricing;

/// <summary>
/// Looks up a model's price: exact <c>provider/model</c>, then the bare model name, then the same without a
/// release-date suffix (<c>claude-sonnet-4-5-20250929</c> → <c>claude-sonnet-4-5</c>). No match → null, never 0.
/// </summary>
public sealed partial class PriceTable
{
    private readonly Dictionary<string, ModelPrice> _prices;

    public PriceTable(IEnumerable<KeyValuePair<string, ModelPrice>>? overrides = null, bool includeDefaults = true)
    {
        _prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        if (includeDefaults)
        {
            foreach (var (key, price) in DefaultModelPrices.All)
            {
                _prices[key] = price;
            }
        }
        foreach (var (key, price) in overrides ?? [])
        {
            if (price.InputPerMillion < 0 || price.CachedInputPerMillion < 0 || price.OutputPerMillion < 0)
            {
                throw new ArgumentException($"Models:Prices:{key} is negative: set InputPerMillion, CachedInputPerMillion and OutputPerMillion to 0 or more (USD per million tokens)", nameof(overrides));
            }
            _prices[key.Trim()] = price;
        }
    }

    public static PriceTable Default { get; } = new();

    public IReadOnlyDictionary<string, ModelPrice> Entries => _prices;

    public ModelPrice? Find(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Find(spec.Provider, spec.Model);
    }

    public ModelPrice? Find(string provider, string model)
    {
        foreach (var name in Candidates(model))
        {
            if (_prices.TryGetValue($"{provider}/{name}", out var price) || _prices.TryGetValue(name, out price))
            {
                return price;
            }
        }
        return null;
    }

    /// <summary>The call's cost in USD, or null when the model has no price.</summary>
    public decimal? Cost(ModelSpec spec, long inputTokens, long outputTokens, long cachedTokens) =>
        Find(spec)?.Cost(inputTokens, outputTokens, cachedTokens);

    private static IEnumerable<string> Candidates(string model)
    {
        yield return model;
        var undated = DateSuffix().Replace(model, string.Empty);
        if (undated != model && undated.Length > 0)
        {
            yield return undated;
        }
    }

    [GeneratedRegex(@"-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$")]
    private static partial Regex DateSuffix();
}

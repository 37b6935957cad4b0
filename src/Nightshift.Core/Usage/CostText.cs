using System.Globalization;

namespace Nightshift.Core.Usage;

/// <summary>
/// How a cost reads, everywhere a person sees one (CLI live view and lists, dashboard, usage): one rule. A known cost is
/// dollars with sensible precision (cents from a dollar up, four decimals below, "&lt; $0.0001" for a sliver); a cost
/// with unpriced calls is "unknown", with the priced part as a lower bound only when some calls were priced.
/// </summary>
public static class CostText
{
    public const string Unknown = "unknown";

    /// <param name="usd">the sum of the priced calls.</param>
    /// <param name="complete">whether every call was priced.</param>
    public static string Format(decimal usd, bool complete) =>
        complete ? Dollars(usd)
        : usd > 0m ? $"{Unknown} (at least {Dollars(usd)})"
        : Unknown;

    /// <summary>A task's or a group's totals: no calls cost $0.00; otherwise as <see cref="Format(decimal, bool)"/>.</summary>
    public static string Format(UsageTotals usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return usage.Calls == 0 ? Dollars(0m) : Format(usage.CostUsd, usage.CostComplete);
    }

    /// <summary>A known amount: "$12.34", "$0.0123", "$0.00", "&lt; $0.0001".</summary>
    public static string Dollars(decimal usd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(usd);
        return usd switch
        {
            0m => "$0.00",
            < 0.0001m => "< $0.0001",
            < 1m => "$" + usd.ToString("0.00##", CultureInfo.InvariantCulture),
            _ => "$" + usd.ToString("#,##0.00", CultureInfo.InvariantCulture),
        };
    }
}

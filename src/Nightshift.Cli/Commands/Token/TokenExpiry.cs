using System.Globalization;

namespace Nightshift.Cli.Commands.Token;

/// <summary>Reads <c>--expires</c>: a number of days (<c>30d</c>, or <c>30</c>) or a date (<c>2027-01-31</c>, UTC) or a time with an offset.</summary>
internal static class TokenExpiry
{
    public const int MaxDays = 3650;

    /// <returns>the body fields for the expiry: expiresInDays or expiresAt.</returns>
    /// <exception cref="UsageException">the value is neither, or out of range.</exception>
    public static (int? InDays, string? At) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }
        var trimmed = text.Trim();
        var number = trimmed.EndsWith('d') || trimmed.EndsWith('D') ? trimmed[..^1] : trimmed;
        if (number.Length is > 0 and <= 5 && number.All(char.IsAsciiDigit))
        {
            var days = int.Parse(number, CultureInfo.InvariantCulture);
            return days is >= 1 and <= MaxDays
                ? (days, null)
                : throw new UsageException($"--expires {days}d is out of range; give 1d to {MaxDays}d, or leave it out for a token that does not expire");
        }
        if (trimmed.Length <= 40 && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return (null, at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        throw new UsageException($"--expires '{Core.Text.SafeText.Clean(trimmed, 40)}' is not a number of days (30d) or a date (2027-01-31)");
    }
}

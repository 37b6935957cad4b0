using System.Text.RegularExpressions;

namespace Nightshift.Core.Teams;

/// <summary>Organisation (tenant) ids: short lowercase slugs. Every install has <see cref="Default"/>.</summary>
public static partial class OrgIds
{
    /// <summary>The organisation a single-user install runs in, and where rows from before teams belong.</summary>
    public const string Default = "default";

    public const int MaxLength = 40;

    /// <summary>Lowercase letters, digits and '-', starting with a letter or digit, at most <see cref="MaxLength"/> characters.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

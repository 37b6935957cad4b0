using System.Globalization;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Teams;

/// <summary>Reads <c>POST /api/v1/tokens</c> bodies strictly; every refusal names the field and what to send instead.</summary>
internal static class TokenRequestReader
{
    public const int MaxExpiresInDays = 3650;
    public const int MaxIdLength = 64;

    private static readonly string[] Known = ["name", "scopes", "expiresAt", "expiresInDays", "userId"];
    private static readonly string[] ServerOwned = ["id", "orgId", "token", "hint", "hash", "createdAt", "revokedAt", "lastUsedAt", "state"];

    /// <exception cref="ValidationException">a field is missing, unknown, server-owned, of the wrong type or out of range.</exception>
    public static TokenRequest Read(JsonElement body, DateTimeOffset now)
    {
        var fields = JsonFields.Read(body, Known, ServerOwned);
        var name = fields.String("name");
        if (!fields.Has("name"))
        {
            fields.Add("name", "is missing; give the token a name that says what it is for, such as \"ci\" or \"laptop\"");
        }
        else if (name is not null)
        {
            name = name.Trim();
            if (name.Length == 0)
            {
                fields.Add("name", "is empty; give the token a name that says what it is for, such as \"ci\"");
            }
            else if (name.Length > ApiTokenRecord.MaxNameLength)
            {
                fields.Add("name", $"is {name.Length} characters long; at most {ApiTokenRecord.MaxNameLength} are accepted");
            }
            else if (name.Any(char.IsControl))
            {
                fields.Add("name", "contains line breaks or control characters; keep it to one plain line");
            }
        }

        var scopes = fields.Strings("scopes", Scopes.All.Count * 2);
        if (scopes is not null)
        {
            if (scopes.Count == 0)
            {
                fields.Add("scopes", $"is empty; give at least one of: {string.Join(", ", Scopes.All)} (or leave the field out for every scope you may give)");
            }
            foreach (var scope in scopes.Where(s => !Scopes.IsKnown(s)))
            {
                fields.Add("scopes", $"'{JsonFields.Clip(scope)}' is not a scope; the scopes are: {string.Join(", ", Scopes.All)}");
            }
            scopes = [.. Scopes.All.Where(s => scopes.Contains(s, StringComparer.Ordinal))];
        }

        DateTimeOffset? expiresAt = null;
        var expiresText = fields.String("expiresAt");
        var days = fields.Int("expiresInDays", 1, MaxExpiresInDays);
        if (fields.Has("expiresAt") && fields.Has("expiresInDays"))
        {
            fields.Add("expiresInDays", "cannot be sent with expiresAt; give one of them (or neither, for a token that does not expire)");
        }
        else if (expiresText is not null)
        {
            if (expiresText.Length > 40
                || !DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                || !HasOffset(expiresText))
            {
                fields.Add("expiresAt", $"'{JsonFields.Clip(expiresText)}' is not a date and time with an offset; send ISO 8601 such as \"2027-01-31T00:00:00Z\"");
            }
            else if (parsed <= now)
            {
                fields.Add("expiresAt", "is in the past; give a time in the future, or expiresInDays");
            }
            else if (parsed > now.AddDays(MaxExpiresInDays))
            {
                fields.Add("expiresAt", $"is more than {MaxExpiresInDays} days away; leave it out for a token that does not expire");
            }
            else
            {
                expiresAt = parsed.ToUniversalTime();
            }
        }
        else if (days is { } inDays)
        {
            expiresAt = now.AddDays(inDays);
        }

        var userId = fields.String("userId")?.Trim();
        if (userId is not null && !IsId(userId))
        {
            fields.Add("userId", $"'{JsonFields.Clip(userId)}' is not a user id; user ids look like usr_… (`nightshift user ls` lists them)");
        }

        fields.ThrowIfInvalid();
        return new TokenRequest(name!, scopes, expiresAt, userId);
    }

    /// <summary>Ids are short and plain: letters, digits, '_' and '-'.</summary>
    public static bool IsId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    // DateTimeOffset.TryParse takes a time without an offset as local time; a token's expiry must not depend on the server's zone.
    private static bool HasOffset(string text)
    {
        var t = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        if (t < 0)
        {
            return false;
        }
        var time = text[(t + 1)..];
        return time.EndsWith('Z') || time.EndsWith('z') || time.Contains('+', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal);
    }
}

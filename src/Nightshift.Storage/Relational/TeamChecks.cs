using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nightshift.Core.Errors;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Storage.Relational;

/// <summary>Checks on what the teams store keeps (organisations, users, tokens, secrets, audit lines) before anything is written.</summary>
internal static partial class TeamChecks
{
    public const int MaxOidcLength = 1_000;
    public const int MaxHintLength = 24;
    public const int MaxActorIdLength = 100;
    public const int MaxAddressLength = 100;
    public const int MaxProtectionKeyNameLength = 200;
    public const int MaxProtectionKeyLength = 64 * 1024;

    /// <summary>The largest running-task quota accepted; anything above is a typo, not a limit.</summary>
    public const int MaxRunningQuota = 100_000;

    /// <summary>The largest cost quota accepted, in US dollars.</summary>
    public const decimal MaxCostQuota = 1_000_000_000m;

    public const string SystemActor = "system";

    public static void OrgId(string field, string? id)
    {
        if (!OrgIds.IsValid(id))
        {
            throw new ValidationException(
                field,
                $"{Shown(id)} is not an organisation id: give 1–{OrgIds.MaxLength} lowercase letters, digits and '-', starting with a letter or digit (for example acme-labs)");
        }
    }

    /// <returns>the name with surrounding whitespace trimmed.</returns>
    public static string Name(string field, string? name, int maxLength)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new ValidationException(field, "is missing; give a name a person recognises");
        }
        if (trimmed.Length > maxLength)
        {
            throw new ValidationException(field, $"is {trimmed.Length} characters long; at most {maxLength} are accepted");
        }
        if (trimmed.Any(char.IsControl))
        {
            throw new ValidationException(field, "contains control characters (line breaks, tabs, escapes); give printable text only");
        }
        return trimmed;
    }

    public static void Quotas(OrgQuotas quotas)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        Running("maxRunning", quotas.MaxRunning);
        Running("maxRunningPerRepo", quotas.MaxRunningPerRepo);
        Cost("maxCostPerTaskUsd", quotas.MaxCostPerTaskUsd);
        Cost("maxCostPerDayUsd", quotas.MaxCostPerDayUsd);
        Cost("maxCostPerMonthUsd", quotas.MaxCostPerMonthUsd);
    }

    private static void Running(string field, int? value)
    {
        if (value is < 0 or > MaxRunningQuota)
        {
            throw new ValidationException(field, $"is {value}; give a number from 0 to {MaxRunningQuota}, or leave it out for no limit");
        }
    }

    private static void Cost(string field, decimal? value)
    {
        if (value is { } cost && (cost < 0 || cost > MaxCostQuota))
        {
            throw new ValidationException(
                field,
                $"is {cost.ToString(CultureInfo.InvariantCulture)}; give an amount in US dollars from 0 to {MaxCostQuota.ToString(CultureInfo.InvariantCulture)}, or leave it out for no limit");
        }
    }

    /// <returns>the repositories trimmed, in the order given, each once.</returns>
    public static List<string> AllowedRepos(IReadOnlyList<string>? repos)
    {
        if (repos is null)
        {
            return [];
        }
        if (repos.Count > Organisation.MaxAllowedRepos)
        {
            throw new ValidationException("allowedRepos", $"are {repos.Count}; at most {Organisation.MaxAllowedRepos} are accepted — use a prefix ending in /* for many repositories of one owner");
        }
        var result = new List<string>(repos.Count);
        foreach (var repo in repos)
        {
            var trimmed = repo?.Trim();
            if (string.IsNullOrEmpty(trimmed))
            {
                throw new ValidationException("allowedRepos", "contains an empty entry; give repositories as tasks name them, or a prefix ending in /*");
            }
            if (trimmed.Length > NewTask.MaxRepoLength)
            {
                throw new ValidationException("allowedRepos", $"contains an entry of {trimmed.Length} characters; at most {NewTask.MaxRepoLength} are accepted");
            }
            if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                throw new ValidationException("allowedRepos", $"entry {Shown(trimmed)} contains spaces or control characters; give a repository or a prefix ending in /*");
            }
            var star = trimmed.IndexOf('*', StringComparison.Ordinal);
            if (star >= 0 && (star != trimmed.Length - 1 || !trimmed.EndsWith("/*", StringComparison.Ordinal) || trimmed.Length < 3))
            {
                throw new ValidationException("allowedRepos", $"entry {Shown(trimmed)} has a '*' that is not a trailing '/*'; give an exact repository or a prefix such as https://github.com/acme/*");
            }
            if (!result.Contains(trimmed, StringComparer.Ordinal))
            {
                result.Add(trimmed);
            }
        }
        return result;
    }

    public static void Role(TeamRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ValidationException("role", $"{(int)role} is not a role; give admin, member or viewer");
        }
    }

    /// <returns>the issuer and subject, both given or both null.</returns>
    public static (string? Issuer, string? Subject) Oidc(string? issuer, string? subject)
    {
        if (issuer is null && subject is null)
        {
            return (null, null);
        }
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject))
        {
            throw new ValidationException(issuer is null or "" ? "oidcIssuer" : "oidcSubject", "an OpenID Connect identity needs both its issuer and its subject; give both, or neither for a token-only user");
        }
        foreach (var (field, value) in new[] { ("oidcIssuer", issuer), ("oidcSubject", subject) })
        {
            if (value.Length > MaxOidcLength)
            {
                throw new ValidationException(field, $"is {value.Length} characters long; at most {MaxOidcLength} are accepted");
            }
            if (value.Any(char.IsControl))
            {
                throw new ValidationException(field, "contains control characters; give it as the identity provider sends it");
            }
        }
        return (issuer, subject);
    }

    /// <returns>the scopes, each once, in the order <see cref="Scopes.All"/> lists them.</returns>
    public static List<string> TokenScopes(IReadOnlyList<string>? scopes, TeamRole role)
    {
        if (scopes is null || scopes.Count == 0)
        {
            throw new ValidationException("scopes", $"are missing; give at least one of {string.Join(", ", Scopes.All)}");
        }
        foreach (var scope in scopes)
        {
            if (!Scopes.IsKnown(scope))
            {
                throw new ValidationException("scopes", $"{Shown(scope)} is not a scope; give some of {string.Join(", ", Scopes.All)}");
            }
        }
        var granted = Scopes.ForRole(role);
        var beyond = scopes.Where(s => !Scopes.Allows(granted, s)).Distinct(StringComparer.Ordinal).ToList();
        if (beyond.Count > 0)
        {
            throw new ValidationException(
                "scopes",
                $"{string.Join(", ", beyond)} lie beyond the user's role ({role.Name()}, which grants {string.Join(", ", Scopes.All.Where(granted.Contains))}); give fewer scopes or change the user's role first");
        }
        return [.. Scopes.All.Where(s => scopes.Contains(s, StringComparer.Ordinal))];
    }

    public static void Hint(string? hint)
    {
        if (string.IsNullOrEmpty(hint) || hint.Length > MaxHintLength || hint.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ValidationException("hint", $"must be the token's first few characters: 1–{MaxHintLength} printable characters without spaces");
        }
    }

    public static string Hash(byte[]? hash)
    {
        if (hash is not { Length: 32 })
        {
            throw new ValidationException("hash", "must be the SHA-256 of the token (32 bytes)");
        }
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Secret names: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters.</summary>
    public static void SecretName(string? name)
    {
        if (name is null || !SecretNamePattern().IsMatch(name))
        {
            throw new ValidationException(
                "name",
                $"{Shown(name)} is not a secret name: give 1–{SecretInfo.MaxNameLength} lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (for example model.openai.api-key)");
        }
    }

    public static bool IsSecretName(string? name) => name is not null && SecretNamePattern().IsMatch(name);

    public static void Ciphertext(string? ciphertext)
    {
        if (string.IsNullOrEmpty(ciphertext))
        {
            throw new ValidationException("value", "is missing; give the secret's value");
        }
        if (ciphertext.Length > SecretInfo.MaxCiphertextLength)
        {
            throw new ValidationException("value", $"is too large once encrypted ({ciphertext.Length} characters, at most {SecretInfo.MaxCiphertextLength}); secrets are keys and tokens, not files");
        }
    }

    public static void ProtectionKey(string? name, string? xml)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxProtectionKeyNameLength || name.Any(char.IsControl))
        {
            throw new ValidationException("name", $"must be 1–{MaxProtectionKeyNameLength} printable characters");
        }
        if (string.IsNullOrEmpty(xml) || xml.Length > MaxProtectionKeyLength)
        {
            throw new ValidationException("xml", $"must be a key element of 1–{MaxProtectionKeyLength} characters");
        }
    }

    public static void Audit(NewAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        OrgId("orgId", entry.OrgId);
        if (string.IsNullOrEmpty(entry.ActorId) || entry.ActorId.Length > MaxActorIdLength || entry.ActorId.Any(char.IsControl))
        {
            throw new ValidationException("actorId", $"must be a user id (usr_…) or '{SystemActor}', at most {MaxActorIdLength} characters");
        }
        Name("actorName", entry.ActorName, TeamUser.MaxNameLength);
        if (entry.TokenId is not null && (entry.TokenId.Length is 0 or > MaxActorIdLength || entry.TokenId.Any(char.IsControl)))
        {
            throw new ValidationException("tokenId", $"must be a token id (tok_…) of at most {MaxActorIdLength} characters, or null");
        }
        if (entry.Action is null || entry.Action.Length > AuditEntry.MaxActionLength || !ActionPattern().IsMatch(entry.Action))
        {
            throw new ValidationException("action", $"{Shown(entry.Action)} is not an action: write it noun.verb in lowercase letters, digits, '_' and '-' (for example task.submit), at most {AuditEntry.MaxActionLength} characters");
        }
        Optional("target", entry.Target, AuditEntry.MaxTargetLength);
        Optional("address", entry.Address, MaxAddressLength);
        if (entry.Outcome is not 0 and (< 100 or > 599))
        {
            throw new ValidationException("outcome", $"is {entry.Outcome}; give the HTTP status answered (100–599), or 0 for an action that did not come through the API");
        }
        if (entry.Detail is not null)
        {
            if (entry.Detail.Length > AuditEntry.MaxDetailLength)
            {
                throw new ValidationException("detail", $"is {entry.Detail.Length} characters long; at most {AuditEntry.MaxDetailLength} are accepted — keep only what identifies the change");
            }
            if (!NightshiftJson.IsObject(entry.Detail))
            {
                throw new ValidationException("detail", "must be a JSON object (for example {\"scopes\":[\"tasks:read\"]}), or null");
            }
        }
    }

    public static void AuditQuery(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.OrgId is not null)
        {
            OrgId("orgId", query.OrgId);
        }
        if (query.Limit is < 1 or > Teams.AuditQuery.MaxLimit)
        {
            throw new ValidationException("limit", $"is {query.Limit}; give a number from 1 to {Teams.AuditQuery.MaxLimit}");
        }
        if (query.Before is <= 0)
        {
            throw new ValidationException("before", "is not a cursor from a previous page; leave it out to start from the newest entry");
        }
        if (query.Since is { } since && query.Until is { } until && until <= since)
        {
            throw new ValidationException("until", "must be later than since");
        }
        Optional("action", query.Action, AuditEntry.MaxActionLength);
        Optional("actor", query.ActorId, MaxActorIdLength);
        Optional("target", query.Target, AuditEntry.MaxTargetLength);
    }

    private static void Optional(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }
        if (value.Length > maxLength)
        {
            throw new ValidationException(field, $"is {value.Length} characters long; at most {maxLength} are accepted");
        }
        if (value.Any(char.IsControl))
        {
            throw new ValidationException(field, "contains control characters; give printable text only");
        }
    }

    /// <summary>Ids the teams store makes: the prefix and 24 lowercase hex digits. Anything else cannot name a row.</summary>
    public static bool LooksLikeId(string? id, string prefix) =>
        id is not null && id.Length == prefix.Length + 24 && id.StartsWith(prefix, StringComparison.Ordinal)
        && id.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;

    public static string ToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values.ToArray());

    public static string[] FromJson(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];

    /// <summary>A value quoted for a message, cut short and with control characters shown as '?', so a hostile value cannot shape the message.</summary>
    private static string Shown(string? value)
    {
        if (value is null)
        {
            return "(missing)";
        }
        var cut = value.Length > 60 ? value[..60] + "…" : value;
        return "'" + new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "'";
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex("^[a-z0-9_-]{1,49}(\\.[a-z0-9_-]{1,49})+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ActionPattern();
}

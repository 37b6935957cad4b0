using System.Globalization;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Orgs;

/// <summary>
/// Reads the organisation routes' JSON bodies strictly: every field named and typed, server-owned and unknown fields
/// refused by name (no mass assignment), every value checked before the store sees it. A refusal is a
/// <see cref="ValidationException"/> naming each field and what to send instead.
/// </summary>
internal static class OrgRequestReader
{
    private static readonly string[] CreateFields = ["id", "name", "quotas", "allowedRepos"];
    private static readonly string[] PatchFields = ["name", "quotas", "allowedRepos"];
    private static readonly string[] QuotaFields = ["maxRunning", "maxRunningPerRepo", "maxCostPerTaskUsd", "maxCostPerDayUsd", "maxCostPerMonthUsd"];
    private static readonly string[] ServerOwned = ["orgId", "createdAt", "updatedAt", "adminToken", "adminTokenId", "adminUserId", "users", "tokens"];

    /// <exception cref="ValidationException">the body is not an object, or a field is unknown, server-owned, mistyped or invalid.</exception>
    public static OrgCreateRequest ReadCreate(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fields = Fields(body, CreateFields, ServerOwned, errors);
        var id = Text(fields, "id", errors);
        if (id is null)
        {
            if (!errors.ContainsKey("id"))
            {
                Add(errors, "id", "is missing; give the organisation's id, a slug such as \"acme\" (lowercase letters, digits and '-')");
            }
        }
        else if (!OrgIds.IsValid(id))
        {
            Add(errors, "id", $"'{Clip(id)}' is not an organisation id; use 1 to {OrgIds.MaxLength} lowercase letters, digits and '-', starting with a letter or digit (such as \"acme\")");
        }
        var name = Text(fields, "name", errors);
        if (name is null)
        {
            if (!errors.ContainsKey("name"))
            {
                Add(errors, "name", "is missing; give the organisation's display name, such as \"Acme Corp\"");
            }
        }
        else
        {
            CheckName(name, errors);
        }
        var quotas = fields.TryGetValue("quotas", out var quotasValue) && quotasValue.ValueKind != JsonValueKind.Null
            ? ReadQuotas(quotasValue, errors)?.ApplyTo(OrgQuotas.None)
            : OrgQuotas.None;
        var repos = fields.TryGetValue("allowedRepos", out var reposValue) && reposValue.ValueKind != JsonValueKind.Null
            ? ReadRepos(reposValue, errors)
            : [];
        Throw(errors);
        return new OrgCreateRequest(id!, name!.Trim(), quotas ?? OrgQuotas.None, repos ?? []);
    }

    /// <exception cref="ValidationException">as for <see cref="ReadCreate"/>; <c>id</c> cannot be changed.</exception>
    public static OrgPatchRequest ReadPatch(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fields = Fields(body, PatchFields, ["id", .. ServerOwned], errors);
        string? name = null;
        if (fields.TryGetValue("name", out var nameValue))
        {
            name = Text(fields, "name", errors);
            if (name is null)
            {
                if (!errors.ContainsKey("name"))
                {
                    Add(errors, "name", "cannot be removed; give a new display name or leave the field out");
                }
            }
            else
            {
                CheckName(name, errors);
            }
        }
        OrgQuotasChange? quotas = null;
        if (fields.TryGetValue("quotas", out var quotasValue))
        {
            if (quotasValue.ValueKind == JsonValueKind.Null)
            {
                Add(errors, "quotas", "cannot be null; to remove a limit send it as null inside the object, such as {\"quotas\":{\"maxCostPerDayUsd\":null}}");
            }
            else
            {
                quotas = ReadQuotas(quotasValue, errors);
            }
        }
        IReadOnlyList<string>? repos = null;
        if (fields.TryGetValue("allowedRepos", out var reposValue))
        {
            // null clears the list, like [] does: every repository the server allows.
            repos = reposValue.ValueKind == JsonValueKind.Null ? [] : ReadRepos(reposValue, errors);
        }
        Throw(errors);
        if (fields.Count == 0)
        {
            throw new ValidationException("body", $"names no field to change; send one or more of: {string.Join(", ", PatchFields)}");
        }
        return new OrgPatchRequest(name?.Trim(), quotas, repos);
    }

    /// <summary>The body of <c>POST /api/v1/orgs/{id}/kill</c>: <c>{"reason":"…"}</c>, the reason being required.</summary>
    /// <exception cref="ValidationException">the body or its reason is missing or unusable.</exception>
    public static string ReadKill(JsonElement? body)
    {
        if (body is null || body.Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw new ValidationException("reason", "is missing; send {\"reason\":\"…\"} saying why every task of the organisation is being stopped");
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fields = Fields(body.Value, ["reason"], ServerOwned, errors);
        var reason = Text(fields, "reason", errors);
        if (reason is null || reason.Trim().Length == 0)
        {
            if (!errors.ContainsKey("reason"))
            {
                Add(errors, "reason", "is missing; say why every task of the organisation is being stopped (it is kept with each cancelled task)");
            }
        }
        else if (reason.Length > OrgLimits.MaxKillReasonLength)
        {
            Add(errors, "reason", $"is {reason.Length} characters long; at most {OrgLimits.MaxKillReasonLength} are accepted");
        }
        else if (reason.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
        {
            Add(errors, "reason", "contains control characters; send plain text");
        }
        Throw(errors);
        return reason!.Trim();
    }

    /// <returns>what is wrong with an allowed-repository entry, or null when it is usable.</returns>
    public static string? RepoProblem(string? repo)
    {
        if (string.IsNullOrWhiteSpace(repo))
        {
            return "is empty; give a repository as tasks name it (https://github.com/acme/app or /srv/git/app), optionally ending in /* for every repository under it";
        }
        if (repo.Length > OrgLimits.MaxRepoLength)
        {
            return $"is {repo.Length} characters long; at most {OrgLimits.MaxRepoLength} are accepted";
        }
        if (repo.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return $"'{Clip(repo)}' contains spaces or control characters; give the repository exactly as tasks name it";
        }
        var wildcard = repo.EndsWith("/*", StringComparison.Ordinal);
        var stem = wildcard ? repo[..^2] : repo;
        if (stem.Contains('*', StringComparison.Ordinal))
        {
            return $"'{Clip(repo)}' has a '*' that is not the final '/*'; only a trailing /* (every repository under a prefix) is understood";
        }
        if (wildcard && stem.Length == 0)
        {
            return "'/*' allows every folder on the server; name a folder, such as /srv/git/*";
        }
        if (stem.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || stem.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(stem, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                return $"'{Clip(repo)}' is not a usable http(s) URL; give one such as https://github.com/acme/app or https://github.com/acme/*";
            }
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                return $"'{Clip(repo)}' carries a user name or password; give the repository's address without credentials";
            }
            if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                return $"'{Clip(repo)}' has a query (?…) or fragment (#…); give the repository's address without them";
            }
            if (wildcard && uri.AbsolutePath is "/" or "")
            {
                return $"'{Clip(repo)}' allows a whole host; name an owner or group at least, such as https://{uri.Host}/acme/*";
            }
            return null;
        }
        if (stem.StartsWith('/'))
        {
            if (stem.Split('/').Any(segment => segment is "." or ".."))
            {
                return $"'{Clip(repo)}' has '.' or '..' in it; give the folder's plain absolute path";
            }
            return null;
        }
        return $"'{Clip(repo)}' is neither an http(s) URL nor an absolute path; give one such as https://github.com/acme/app, https://github.com/acme/* or /srv/git/app";
    }

    private static OrgQuotasChange? ReadQuotas(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Add(errors, "quotas", $"must be an object with any of: {string.Join(", ", QuotaFields)} (a number, or null for no limit)");
            return null;
        }
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var name = QuotaFields.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                Add(errors, "quotas." + Clip(property.Name), $"is not a quota; the quotas are: {string.Join(", ", QuotaFields)}");
            }
            else if (!fields.TryAdd(name, property.Value))
            {
                Add(errors, "quotas." + name, "appears more than once; send each quota once");
            }
        }
        return new OrgQuotasChange(
            Count(fields, "maxRunning", errors),
            Count(fields, "maxRunningPerRepo", errors),
            Cost(fields, "maxCostPerTaskUsd", errors),
            Cost(fields, "maxCostPerDayUsd", errors),
            Cost(fields, "maxCostPerMonthUsd", errors));
    }

    private static QuotaChange<int> Count(Dictionary<string, JsonElement> fields, string name, Dictionary<string, string[]> errors)
    {
        if (!fields.TryGetValue(name, out var value))
        {
            return QuotaChange<int>.Keep;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            return new QuotaChange<int>(true, null);
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number is >= 0 and <= OrgLimits.MaxRunning)
        {
            return new QuotaChange<int>(true, number);
        }
        Add(errors, "quotas." + name, $"must be a whole number from 0 to {OrgLimits.MaxRunning.ToString(CultureInfo.InvariantCulture)}, or null for no limit");
        return QuotaChange<int>.Keep;
    }

    private static QuotaChange<decimal> Cost(Dictionary<string, JsonElement> fields, string name, Dictionary<string, string[]> errors)
    {
        if (!fields.TryGetValue(name, out var value))
        {
            return QuotaChange<decimal>.Keep;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            return new QuotaChange<decimal>(true, null);
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount) && amount >= 0m && amount <= OrgLimits.MaxCostUsd)
        {
            return new QuotaChange<decimal>(true, amount);
        }
        Add(errors, "quotas." + name, $"must be an amount in US dollars from 0 to {OrgLimits.MaxCostUsd.ToString("0", CultureInfo.InvariantCulture)} (such as 5 or 12.50), or null for no limit");
        return QuotaChange<decimal>.Keep;
    }

    private static List<string>? ReadRepos(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            Add(errors, "allowedRepos", "must be a list of repositories, such as [\"https://github.com/acme/*\"]; [] allows every repository the server allows");
            return null;
        }
        var count = value.GetArrayLength();
        if (count > Organisation.MaxAllowedRepos)
        {
            Add(errors, "allowedRepos", $"has {count} entries; at most {Organisation.MaxAllowedRepos} are accepted (use a prefix ending in /* to cover many)");
            return null;
        }
        var repos = new List<string>(count);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var field = $"allowedRepos[{index.ToString(CultureInfo.InvariantCulture)}]";
            index++;
            if (item.ValueKind != JsonValueKind.String)
            {
                Add(errors, field, "must be a string: a repository URL or path");
                continue;
            }
            var repo = item.GetString()!.Trim();
            if (RepoProblem(repo) is { } problem)
            {
                Add(errors, field, problem);
                continue;
            }
            if (!repos.Contains(repo, StringComparer.Ordinal))
            {
                repos.Add(repo);
            }
        }
        return repos;
    }

    private static void CheckName(string name, Dictionary<string, string[]> errors)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            Add(errors, "name", "is empty; give the organisation's display name, such as \"Acme Corp\"");
        }
        else if (trimmed.Length > Organisation.MaxNameLength)
        {
            Add(errors, "name", $"is {trimmed.Length} characters long; at most {Organisation.MaxNameLength} are accepted");
        }
        else if (trimmed.Any(char.IsControl))
        {
            Add(errors, "name", "contains line breaks or control characters; give a one-line name");
        }
    }

    private static string? Text(Dictionary<string, JsonElement> fields, string name, Dictionary<string, string[]> errors)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Add(errors, name, "must be a string");
            return null;
        }
        return value.GetString();
    }

    private static Dictionary<string, JsonElement> Fields(JsonElement body, string[] known, string[] serverOwned, Dictionary<string, string[]> errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("body", $"must be a JSON object with the fields: {string.Join(", ", known)}");
        }
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            var name = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                var owned = serverOwned.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                if (owned is not null)
                {
                    Add(errors, owned, owned == "id"
                        ? "cannot be changed; an organisation keeps its id (create a new one instead)"
                        : "is set by the server and cannot be sent; leave it out");
                }
                else
                {
                    Add(errors, Clip(property.Name), $"is not a field of this request; the fields are: {string.Join(", ", known)}");
                }
                continue;
            }
            if (!fields.TryAdd(name, property.Value))
            {
                Add(errors, name, "appears more than once; send each field once");
            }
        }
        return fields;
    }

    private static void Add(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    private static void Throw(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    internal static string Clip(string value)
    {
        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= 64 ? clean : clean[..64] + "…";
    }
}

using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Audit;

/// <summary>Reads the audit routes' query strings; every refusal names the parameter and what to pass instead.</summary>
internal static class AuditQueryParser
{
    public const int DefaultLimit = 100;

    /// <summary>The <c>org</c> value that reads every organisation's log (installation admins only).</summary>
    public const string EveryOrg = "*";

    /// <exception cref="ValidationException">a parameter is malformed or out of range.</exception>
    /// <exception cref="TeamRequestException">another organisation named by a caller who is not an installation admin (404).</exception>
    public static AuditQuery Parse(
        Caller caller, string? org, string? since, string? until, string? action, string? actor, string? target, string? before, string? limit)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var sinceTime = Time("since", since, errors);
        var untilTime = Time("until", until, errors);
        if (sinceTime is not null && untilTime is not null && untilTime < sinceTime)
        {
            errors["until"] = ["is before since; give a range whose end is after its start"];
        }
        var actionFilter = Text("action", action, AuditEntry.MaxActionLength, errors);
        if (actionFilter is not null && !actionFilter.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
        {
            errors["action"] = ["is not an action: actions are lowercase letters, digits, '.' and '-', such as task.submit or token.revoke (docs/audit.md lists them)"];
        }
        var actorFilter = Text("actor", actor, 100, errors);
        var targetFilter = Text("target", target, AuditEntry.MaxTargetLength, errors);
        long? beforeNumber = null;
        if (!string.IsNullOrWhiteSpace(before))
        {
            if (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                beforeNumber = number;
            }
            else
            {
                errors["before"] = [$"'{JsonFields.Clip(before)}' is not an entry number; pass nextBefore from the previous page unchanged"];
            }
        }
        var size = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > AuditQuery.MaxLimit))
        {
            errors["limit"] = [$"'{JsonFields.Clip(limit)}' is not a page size; use a whole number from 1 to {AuditQuery.MaxLimit}"];
        }
        var orgId = Org(caller, org, errors);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return new AuditQuery(orgId, sinceTime, untilTime, actionFilter, actorFilter, targetFilter, beforeNumber, size);
    }

    /// <returns>the organisation to read: the caller's own unless an installation admin named another, or null for every one.</returns>
    private static string? Org(Caller caller, string? org, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(org) || org == caller.OrgId)
        {
            return caller.OrgId;
        }
        if (org == EveryOrg)
        {
            if (caller.IsInstallationAdmin)
            {
                return null;
            }
            throw new TeamRequestException(StatusCodes.Status403Forbidden, "Not allowed",
                "reading every organisation's log (org=*) is for admins of the default organisation; leave org out to read your own organisation's log");
        }
        if (!OrgIds.IsValid(org))
        {
            errors["org"] = [$"'{JsonFields.Clip(org)}' is not an organisation id (lowercase letters, digits and '-', at most {OrgIds.MaxLength} characters)"];
            return null;
        }
        if (!caller.IsInstallationAdmin)
        {
            // Another organisation is never confirmed to exist.
            throw TeamRequestException.NotFound($"there is no organisation '{org}'; leave org out to read your own organisation's log");
        }
        return org;
    }

    private static DateTimeOffset? Time(string name, string? value, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (value.Length <= 40
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }
        errors[name] = [$"'{JsonFields.Clip(value)}' is not a date or time; pass ISO 8601 such as 2026-12-01 or 2026-12-01T08:00:00Z (UTC unless an offset is given)"];
        return null;
    }

    private static string? Text(string name, string? value, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length > max || trimmed.Any(char.IsControl))
        {
            errors[name] = [$"is longer than {max} characters or holds control characters; pass the exact value to match"];
            return null;
        }
        return trimmed;
    }
}

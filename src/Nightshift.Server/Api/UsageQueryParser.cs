using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary>Reads <c>from</c>, <c>to</c> (UTC days, both included) and <c>groupBy</c> for the usage API and page.</summary>
internal static class UsageQueryParser
{
    public const int DefaultDays = 30;

    public static UsageReportQuery Parse(string? from, string? to, string? groupBy, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var last = Day(to, "to", errors) ?? today;
        var first = Day(from, "from", errors) ?? last.AddDays(-(DefaultDays - 1));

        var grouping = UsageGrouping.Day;
        if (!string.IsNullOrWhiteSpace(groupBy))
        {
            switch (groupBy.Trim().ToLowerInvariant())
            {
                case "day": grouping = UsageGrouping.Day; break;
                case "model": grouping = UsageGrouping.Model; break;
                case "repo": grouping = UsageGrouping.Repo; break;
                default: errors["groupBy"] = [$"'{Shorten(groupBy)}' is not a grouping; use day, model or repo"]; break;
            }
        }

        if (!errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            var days = last.DayNumber - first.DayNumber + 1;
            if (days < 1)
            {
                errors["to"] = [$"{last:yyyy-MM-dd} is before from ({first:yyyy-MM-dd}); give a 'to' on or after 'from'"];
            }
            else if (days > UsageReportQuery.MaxRange.TotalDays)
            {
                errors["from"] = [$"the range covers {days} days; at most {UsageReportQuery.MaxRange.TotalDays:0} are reported at once, so ask for a shorter one"];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new UsageReportQuery(start, end, grouping);
    }

    public static string Wire(UsageGrouping grouping) => grouping switch
    {
        UsageGrouping.Model => "model",
        UsageGrouping.Repo => "repo",
        _ => "day",
    };

    private static DateOnly? Day(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && day.Year is >= 2000 and <= 9998)
        {
            return day;
        }
        errors[name] = [$"'{Shorten(value)}' is not a date; write it as yyyy-MM-dd (a UTC day), for example 2026-11-22"];
        return null;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

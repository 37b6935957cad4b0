using Cronos;

namespace Nightshift.Server.Pipelines;

/// <summary>
/// The one rule for when a schedule next starts a run, shared by the scheduler and pipeline registration: the first
/// occurrence of the cron expression strictly after a moment, read in the schedule's time zone (daylight saving
/// handled as Cronos does: a skipped local time runs at the jump, a repeated one once).
/// </summary>
internal static class PipelineSchedules
{
    /// <returns>the next time, or null when the expression never fires again.</returns>
    /// <exception cref="ArgumentException">the cron expression or the time zone is not one (the message says which and how to write it).</exception>
    public static DateTimeOffset? NextAfter(string cron, string? timeZone, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var zone = Zone(timeZone);
        var expression = Parse(cron);
        return expression.GetNextOccurrence(after, zone, inclusive: false);
    }

    private static CronExpression Parse(string cron)
    {
        var trimmed = cron.Trim();
        var fields = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return CronExpression.Parse(trimmed, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new ArgumentException($"the schedule '{trimmed}' is not a cron expression ({e.Message}); write five fields (minute hour day month weekday, e.g. \"0 3 * * *\") or six with seconds first", nameof(cron), e);
        }
    }

    private static TimeZoneInfo Zone(string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            return TimeZoneInfo.Utc;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"the time zone '{timeZone}' is not known here; give an IANA name such as Europe/Berlin or UTC", nameof(timeZone), e);
        }
    }
}

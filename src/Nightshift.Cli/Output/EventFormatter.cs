using System.Globalization;
using Nightshift.Cli.Api;
using Nightshift.Core.Events;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Output;

/// <summary>One short line per event: time, type and the event's one-line summary (<see cref="EventSummary"/>).</summary>
internal static class EventFormatter
{
    public static string Line(ApiEvent e, TimeZoneInfo zone)
    {
        var time = TimeZoneInfo.ConvertTime(e.Time, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var summary = EventSummary.Describe(e.Type, e.Data);
        var type = SafeText.Clean(e.Type, 64);
        return summary.Length == 0 ? $"{time}  {type}" : $"{time}  {type,-22}  {summary}";
    }
}

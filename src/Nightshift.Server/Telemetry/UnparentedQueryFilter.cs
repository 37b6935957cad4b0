using System.Diagnostics;
using OpenTelemetry;

namespace Nightshift.Server.Telemetry;

/// <summary>
/// Keeps PostgreSQL commands that belong to nothing out of the export: the worker's claim polls, lease reclaims and
/// other background loops would otherwise send a one-span trace every few hundred milliseconds per loop. A command
/// inside a task's trace or an HTTP request's is kept.
/// </summary>
internal sealed class UnparentedQueryFilter : BaseProcessor<Activity>
{
    public const string NpgsqlSource = "Npgsql";

    public override void OnStart(Activity data)
    {
        if (data.Source.Name == NpgsqlSource && data.ParentSpanId == default)
        {
            // The export processors skip activities that are not recorded.
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }
}

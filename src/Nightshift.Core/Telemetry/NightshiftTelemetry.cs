namespace Nightshift.Core.Telemetry;

/// <summary>
/// The names under which Nightshift's traces and metrics are published. Any module may make its own
/// <see cref="System.Diagnostics.ActivitySource"/> or <see cref="System.Diagnostics.Metrics.Meter"/> with these names;
/// the OpenTelemetry set-up listens to them by name.
/// </summary>
public static class NightshiftTelemetry
{
    /// <summary>The activity source of a task's spans (claim, workspace, plan, model and tool calls, commands, verify, publish).</summary>
    public const string ActivitySourceName = "Nightshift";

    /// <summary>The meter of Nightshift's own metrics (queue depth, latencies, tokens and cost, kills, delivery failures).</summary>
    public const string MeterName = "Nightshift";
}

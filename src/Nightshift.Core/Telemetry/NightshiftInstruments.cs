using System.Diagnostics.Metrics;

namespace Nightshift.Core.Telemetry;

/// <summary>
/// Nightshift's own counters and histograms on the meter <see cref="NightshiftTelemetry.MeterName"/>, shared by every
/// module that records them. Without a listener, recording costs one check per call.
/// </summary>
public static class NightshiftInstruments
{
    private static readonly Meter Meter = new(NightshiftTelemetry.MeterName);

    /// <summary>From the moment a task became due (queued, or its retry's time came) to a worker's claim; seconds.</summary>
    public static Histogram<double> ClaimLatency { get; } = Meter.CreateHistogram<double>(
        "nightshift.task.claim.latency", "s", "Time from a task becoming due to a worker claiming it.");

    /// <summary>One attempt's length, tagged <c>outcome</c> (succeeded, failed, retry, needs_review, …); seconds.</summary>
    public static Histogram<double> TaskDuration { get; } = Meter.CreateHistogram<double>(
        "nightshift.task.duration", "s", "Length of a task attempt, from claim to end, by outcome.");

    /// <summary>Tokens model calls used, tagged <c>model</c> and <c>type</c> (input, output, cached).</summary>
    public static Counter<long> ModelTokens { get; } = Meter.CreateCounter<long>(
        "nightshift.model.tokens", "{token}", "Tokens used by model calls, by model and type.");

    /// <summary>What model calls cost, tagged <c>model</c>; calls of unknown price are not counted.</summary>
    public static Counter<double> ModelCost { get; } = Meter.CreateCounter<double>(
        "nightshift.model.cost", "USD", "Cost of model calls with a known price, by model.");

    /// <summary>Commands the sandbox stopped at a limit, tagged <c>limit</c> (wall_clock, cpu_time, memory, file_size).</summary>
    public static Counter<long> SandboxKills { get; } = Meter.CreateCounter<long>(
        "nightshift.sandbox.kills", "{command}", "Sandboxed commands killed at a limit, by limit.");
}

using System.Diagnostics.Metrics;
using Nightshift.Core.Telemetry;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound;

/// <summary>The delivery engine's instruments on the <c>Nightshift</c> meter.</summary>
internal sealed class OutboundMetrics
{
    public const string FailuresName = "nightshift.outbound.delivery.failures";

    private readonly Counter<long> _failures;

    public OutboundMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(NightshiftTelemetry.MeterName);
        _failures = meter.CreateCounter<long>(FailuresName, unit: "{attempt}", description: "Outbound delivery attempts that did not deliver, by channel and outcome (retry, dead, gone).");
    }

    public void AttemptFailed(OutboundChannel channel, AttemptOutcome outcome) =>
        _failures.Add(1, new KeyValuePair<string, object?>("channel", Name(channel)), new KeyValuePair<string, object?>("outcome", Name(outcome)));

    private static string Name(OutboundChannel channel) => channel switch
    {
        OutboundChannel.Webhook => "webhook",
        OutboundChannel.Slack => "slack",
        _ => "email",
    };

    private static string Name(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Delivered => "delivered",
        AttemptOutcome.Retry => "retry",
        AttemptOutcome.Gone => "gone",
        _ => "dead",
    };
}

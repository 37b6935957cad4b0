namespace Nightshift.Server.Telemetry;

/// <summary>
/// Configuration section <c>Telemetry</c>. Export itself is switched on by the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable, not by a setting here (see docs/observability.md).
/// </summary>
internal sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    public const string Text = "text";

    public const string Json = "json";

    /// <summary><c>text</c> (the console's usual lines) or <c>json</c> (one JSON object per line, secrets redacted).</summary>
    public string LogFormat { get; set; } = Text;

    /// <summary>How long a sampled queue depth is reused before the store is asked again.</summary>
    public TimeSpan QueueDepthInterval { get; set; } = TimeSpan.FromSeconds(15);

    public static bool IsJson(string? format) => string.Equals(format?.Trim(), Json, StringComparison.OrdinalIgnoreCase);
}

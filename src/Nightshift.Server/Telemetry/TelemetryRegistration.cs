using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Nightshift.Core.Telemetry;
using Nightshift.Models;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nightshift.Server.Telemetry;

/// <summary>
/// Traces, metrics and the log format, for the server and the worker hosts alike. OpenTelemetry is set up only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (as a variable or in configuration): without it nothing listens to
/// Nightshift's sources and a span or a measurement costs one check. The exporter's own HTTP calls are not traced:
/// no HttpClient instrumentation is added, so export cannot feed itself.
/// </summary>
internal static class TelemetryRegistration
{
    /// <summary>The standard variable that switches OTLP export on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    public const string DefaultServiceName = "nightshift";

    /// <summary>The model layer's source and meter (Microsoft.Extensions.AI's gen_ai.* spans and metrics).</summary>
    private static readonly string[] Sources = [NightshiftTelemetry.ActivitySourceName, ChatClientFactory.TelemetrySourceName];

    public static void Add(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<QueueDepthGauge>();
        services.AddHostedService<QueueDepthGaugeStarter>();

        if (TelemetryOptions.IsJson(builder.Configuration[$"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.LogFormat)}"]))
        {
            builder.Logging.AddConsole(console => console.FormatterName = JsonLogFormatter.FormatterName);
            builder.Logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]))
        {
            return;
        }
        var serviceName = builder.Configuration[ServiceNameVariable] is { Length: > 0 } named ? named : DefaultServiceName;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(Sources)
                .AddAspNetCoreInstrumentation()
                .AddNpgsql()
                .AddProcessor(new UnparentedQueryFilter())
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(Sources)
                .AddAspNetCoreInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddOtlpExporter());
    }
}

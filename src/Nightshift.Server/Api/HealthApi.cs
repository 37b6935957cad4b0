using Microsoft.AspNetCore.Http.HttpResults;
using Nightshift.Core.Teams;
using Nightshift.Server.Auth;
using Nightshift.Server.Metrics;
using Nightshift.Server.Problems;
using Nightshift.Storage;

namespace Nightshift.Server.Api;

/// <summary><c>GET /health</c> (no token: load balancers and <c>nightshift doctor</c> call it) and <c>GET /metrics</c>.</summary>
internal static partial class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", HealthAsync).WithTags("health").WithName("Health").PublicRoute();
        // The counters are the whole installation's, every organisation's: an admin of the default organisation's to read.
        app.MapGet("/metrics", Metrics).WithTags("health").WithName("Metrics").Produces<string>(StatusCodes.Status200OK, "text/plain")
            .RequireScope(Scopes.Admin);
        return app;
    }

    private static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> HealthAsync(
        INightshiftStore store,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return TypedResults.Ok(new HealthResponse("ok", store.Dialect));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnhealthy(loggers.CreateLogger("Nightshift.Server.Health"), store.Dialect, exception);
            return Problem.Create(
                StatusCodes.Status503ServiceUnavailable,
                "the store is unreachable",
                $"the {store.Dialect} store did not answer: {exception.Message}");
        }
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Metrics(HttpContext context, ServerMetrics metrics) =>
        context.Caller().IsInstallationAdmin
            ? TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8")
            : Problem.Create(
                StatusCodes.Status403Forbidden,
                "Not allowed",
                "the metrics count every organisation's tasks: only an admin of the default organisation may read them");

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Health check failed: the {Dialect} store did not answer")]
    private static partial void LogUnhealthy(ILogger logger, string dialect, Exception exception);
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Server.Auth;
using Nightshift.Server.Problems;

namespace Nightshift.Server.RateLimiting;

internal static class ApiRateLimiting
{
    /// <summary>
    /// One bucket per valid token, one per remote address otherwise — so guessing tokens is limited per address,
    /// not granted a fresh bucket with every guess.
    /// </summary>
    public static IServiceCollection AddNightshiftRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitSettings>().BindConfiguration(RateLimitSettings.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitSettings>, RateLimitSettingsValidator>());
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>, ApiTokenAuthority>((limiter, settings, tokens) =>
        {
            var limits = settings.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!limits.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }
                var key = tokens.IsValid(BearerToken.From(context.Request))
                    ? "token"
                    : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.Burst,
                    TokensPerPeriod = limits.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problem.Create(
                    StatusCodes.Status429TooManyRequests,
                    "too many requests",
                    $"this client sent more requests than the server allows (RateLimiting:Burst {limits.Burst}, RateLimiting:PermitsPerSecond {limits.PermitsPerSecond}); wait {seconds} s and try again")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}

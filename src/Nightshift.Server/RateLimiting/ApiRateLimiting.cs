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
    /// Two buckets a request must both pass: one per caller (its token, or its user for a dashboard session; the remote
    /// address for a request without a caller, so guessing tokens is limited per address rather than granted a fresh bucket
    /// with every guess) and one per organisation. The limiter runs after authentication, which finds the caller.
    /// </summary>
    public static IServiceCollection AddNightshiftRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitSettings>().BindConfiguration(RateLimitSettings.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitSettings>, RateLimitSettingsValidator>());
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            var perCaller = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!limits.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }
                var caller = context.CallerOrNull();
                var key = caller switch
                {
                    { TokenId: { } tokenId } => "token:" + tokenId,
                    not null => "user:" + caller.UserId,
                    null => "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                };
                return Bucket(key, limits.Burst, limits.PermitsPerSecond);
            });
            var perOrg = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !limits.Enabled || context.CallerOrNull() is not { } caller
                    ? RateLimitPartition.GetNoLimiter("none")
                    : Bucket("org:" + caller.OrgId, limits.OrgBurst, limits.OrgPermitsPerSecond));
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(perCaller, perOrg);
            limiter.OnRejected = async (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problem.Create(
                    StatusCodes.Status429TooManyRequests,
                    "too many requests",
                    $"this token (or its organisation) sent more requests than the server allows (per token: RateLimiting:Burst {limits.Burst}, "
                    + $"RateLimiting:PermitsPerSecond {limits.PermitsPerSecond}; per organisation: RateLimiting:OrgBurst {limits.OrgBurst}, "
                    + $"RateLimiting:OrgPermitsPerSecond {limits.OrgPermitsPerSecond}); wait {seconds} s and try again")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Bucket(string key, int burst, int perSecond) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}

using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nightshift.Server.Outbound.Api;

/// <summary>The services behind <c>/api/v1/webhooks</c> and the dashboard's webhooks page.</summary>
internal static class OutboundApiRegistration
{
    public static IServiceCollection AddNightshiftOutboundApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEndpointAddressCheck, PolicyEndpointAddressCheck>();
        services.TryAddSingleton<OutboundEndpointService>();
        return services;
    }
}

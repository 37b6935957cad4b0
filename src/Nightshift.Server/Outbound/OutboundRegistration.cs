using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Core.Network;

namespace Nightshift.Server.Outbound;

/// <summary>
/// The outbound delivery engine: its settings, the SSRF-guarded <see cref="OutboundHttp.ClientName"/> client, the
/// webhook sender, and (unless <c>Outbound:Enabled</c> is false) the fan-out and the dispatcher. Other channels'
/// senders register themselves as more <see cref="IOutboundSender"/>s.
/// </summary>
internal static class OutboundRegistration
{
    public static IServiceCollection AddOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundOptions>, OutboundOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHostResolver, SystemHostResolver>();
        services.TryAddSingleton(sp => new OutboundAddressPolicy(sp.GetRequiredService<IOptions<OutboundOptions>>().Value.AllowedHosts ?? []));
        services.TryAddSingleton<OutboundPublicAddress>();
        services.TryAddSingleton<DispatchWakeUp>();
        services.TryAddSingleton<EndpointRateLimiter>();
        services.TryAddSingleton<OutboundMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboundSender, WebhookSender>());
        services.AddHttpClient(OutboundHttp.ClientName, client =>
            {
                // Each sender bounds its own attempt (Outbound:Timeout) so that reading the answer counts too.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => CreateHandler(
                sp.GetRequiredService<OutboundAddressPolicy>(),
                sp.GetRequiredService<IHostResolver>(),
                sp.GetRequiredService<IOptions<OutboundOptions>>().Value));
        services.TryAddSingleton<OutboxFanOut>();
        services.TryAddSingleton<DeliveryDispatcher>();
        if (configuration.GetValue($"{OutboundOptions.Section}:{nameof(OutboundOptions.Enabled)}", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<OutboxFanOut>());
            services.AddHostedService(sp => sp.GetRequiredService<DeliveryDispatcher>());
        }
        return services;
    }

    /// <summary>The handler under the outbound client: the guard connects, nothing is followed or proxied.</summary>
    internal static SocketsHttpHandler CreateHandler(OutboundAddressPolicy policy, IHostResolver resolver, OutboundOptions options)
    {
        var connector = new GuardedConnector(policy, resolver);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Timeout,
            // A name's answer may change; a pooled connection is not kept long enough to outlive a deliberate change.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 64,
            ConnectCallback = connector.ConnectAsync,
        };
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nightshift.Server.Streaming;

/// <summary>The WebSocket stream <c>GET /api/v1/stream</c>: its settings, its shared hub, the WebSocket middleware and the route.</summary>
internal static class StreamRegistration
{
    public static IServiceCollection AddNightshiftStream(this IServiceCollection services)
    {
        services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamOptions>, StreamOptionsValidator>());
        services.AddSingleton<StreamHub>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamHub>());
        return services;
    }

    /// <summary>Call after the authentication middleware: the WebSocket middleware runs for the stream's path only.</summary>
    public static WebApplication MapNightshiftStream(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.Equals(StreamApi.Path, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseWebSockets());
        app.MapStreamApi();
        return app;
    }
}

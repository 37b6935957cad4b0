using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nightshift.Core.Network;
using Nightshift.Server.Outbound;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>Endpoints, deliveries and a service provider with the outbound client, for the sender's tests.</summary>
internal static class OutboundTestData
{
    /// <summary>Obviously fake signing secrets in the Standard Webhooks form.</summary>
    public static readonly string SecretOne = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("fake-secret-one-for-tests-only!!"));
    public static readonly string SecretTwo = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("fake-secret-two-for-tests-only!!"));

    public static OutboundEndpoint Endpoint(Uri url, params OutboundSecret[] secrets)
    {
        var now = DateTimeOffset.UtcNow;
        return new OutboundEndpoint(
            "we_test", OutboundChannel.Webhook, url.AbsoluteUri, [], null, [], [], true, null, OutboundEndpoint.ManagedByApi,
            OutboundEndpoint.DefaultMaxInFlight, 0,
            secrets.Length == 0 ? [new OutboundSecret("sec_one", SecretOne, now, null)] : secrets,
            now, now);
    }

    public static OutboundDelivery Delivery(string payload = """{"type":"task.succeeded","data":{}}""", string id = "msg_test0001") =>
        new(id, 1, "we_test", "task-1", 1, "task.succeeded", payload, OutboundDeliveryState.Sending, 0,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, null, null);

    /// <summary>The outbound services as the server registers them, with <paramref name="settings"/> and optionally another resolver.</summary>
    public static ServiceProvider Services(IDictionary<string, string?>? settings = null, IHostResolver? resolver = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Outbound:Enabled"] = "false" })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        if (resolver is not null)
        {
            services.TryAddSingleton(resolver);
        }
        services.AddOutbound(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }

    public static Dictionary<string, string?> AllowLoopback(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = "127.0.0.1" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    public static WebhookSender Sender(ServiceProvider services) =>
        (WebhookSender)services.GetServices<IOutboundSender>().Single(s => s.Channel == OutboundChannel.Webhook);
}

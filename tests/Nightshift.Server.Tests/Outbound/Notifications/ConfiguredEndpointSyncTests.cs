using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Outbound.Notifications;

public sealed class ConfiguredEndpointSyncTests
{
    private const string FakeSlackUrl = "https://hooks.chat.example/services/TFAKE/BFAKE/fakeTokenNotReal";

    [Fact]
    public async Task StartAsync_SettingsChangedBetweenStarts_StoreFollowsAndApiEndpointsStay()
    {
        using var data = new TempDirectory();
        WriteSettings(data.Path, new
        {
            Email = new
            {
                Host = "smtp.example.com",
                From = "Nightshift <nightshift@example.com>",
                Recipients = new Dictionary<string, object>
                {
                    ["all"] = new { Repository = "*", Addresses = new[] { "ops@example.com" } },
                    ["web"] = new { Repository = "https://github.com/acme/web.git", Addresses = new[] { "dev@example.com" } },
                },
            },
            Slack = new { Url = FakeSlackUrl },
        });
        string apiId;
        await using (var server = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            var endpoints = await server.Store.ListEndpointsAsync(TestDefaults.TimeoutToken());

            endpoints.Select(e => e.Id).ShouldBe(["email-all", "email-web", "slack"], ignoreOrder: true);
            endpoints.ShouldAllBe(e => e.ManagedBy == OutboundEndpoint.ManagedByConfig && e.Active);
            endpoints.Single(e => e.Id == "email-web").Recipients.ShouldBe(["dev@example.com"]);
            endpoints.Single(e => e.Id == "email-web").Repositories.ShouldBe(["https://github.com/acme/web.git"]);
            endpoints.Single(e => e.Id == "slack").Url.ShouldBe(FakeSlackUrl);
            apiId = (await server.Store.CreateEndpointAsync(new NewOutboundEndpoint(
                OutboundChannel.Webhook, "https://receiver.example/hook", [], "made through the API", [], [],
                "whsec_" + Convert.ToBase64String(new byte[32])), TestDefaults.TimeoutToken())).Id;
        }

        WriteSettings(data.Path, new
        {
            Email = new
            {
                Host = "smtp.example.com",
                From = "Nightshift <nightshift@example.com>",
                Recipients = new Dictionary<string, object>
                {
                    ["web"] = new { Repository = "https://github.com/acme/web.git", Addresses = new[] { "dev@example.com", "lead@example.com" } },
                },
            },
        });
        await using (var server = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            var endpoints = await server.Store.ListEndpointsAsync(TestDefaults.TimeoutToken());

            endpoints.Select(e => e.Id).ShouldBe(["email-web", apiId], ignoreOrder: true);
            endpoints.Single(e => e.Id == "email-web").Recipients.ShouldBe(["dev@example.com", "lead@example.com"]);
            endpoints.Single(e => e.Id == apiId).ManagedBy.ShouldBe(OutboundEndpoint.ManagedByApi);
        }

        File.Delete(Path.Combine(data.Path, "appsettings.json"));
        await using (var server = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            (await server.Store.ListEndpointsAsync(TestDefaults.TimeoutToken())).Select(e => e.Id).ShouldBe([apiId]);
        }
    }

    [Fact]
    public async Task StartAsync_InvalidNotificationSettings_StopsTheStartNamingTheSetting()
    {
        using var data = new TempDirectory();
        WriteSettings(data.Path, new
        {
            Email = new
            {
                Host = "smtp.example.com",
                Recipients = new Dictionary<string, object> { ["web"] = new { Repository = "*", Addresses = new[] { "dev@example.com" } } },
            },
        });

        var failure = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);
        });

        failure.Message.ShouldContain("Notifications:Email:From");
    }

    [Fact]
    public void Services_ServerHost_HasOneSenderForEmailAndOneForChat()
    {
        using var host = new SenderHost();

        var channels = host.Services.GetServices<Nightshift.Server.Outbound.IOutboundSender>().Select(s => s.Channel).ToList();

        channels.Count(c => c == OutboundChannel.Email).ShouldBe(1);
        channels.Count(c => c == OutboundChannel.Slack).ShouldBe(1);
    }

    private static void WriteSettings(string dataDirectory, object notifications) =>
        File.WriteAllText(Path.Combine(dataDirectory, "appsettings.json"), JsonSerializer.Serialize(new { Notifications = notifications }));
}

using System.Text;
using Microsoft.Extensions.Configuration;
using Nightshift.Core.Events;
using Nightshift.Server.Outbound.Notifications;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound.Notifications;

public sealed class ConfiguredEndpointsTests
{
    private const string Json = """
        {
          "Notifications": {
            "Email": {
              "Host": "smtp.example.com",
              "From": "Nightshift <nightshift@example.com>",
              "Recipients": {
                "all": { "Repository": "*", "Addresses": [ "ops@example.com" ] },
                "Web-Team": { "Repository": "https://github.com/acme/web.git", "Addresses": [ "dev@example.com", "lead@example.com" ] }
              }
            },
            "Slack": {
              "Url": "https://hooks.chat.example/services/TFAKE/BFAKE/fakeTokenNotReal",
              "Repositories": [ "https://github.com/acme/web.git" ],
              "Events": [ "task.*" ]
            }
          }
        }
        """;

    [Fact]
    public void From_JsonSettings_MakesOneEndpointPerListAndOneForChat()
    {
        var options = Bind(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json))).Build());

        var endpoints = ConfiguredEndpoints.From(options);

        endpoints.Select(e => e.Id).ShouldBe(["email-all", "email-web-team", "slack"]);
        endpoints.ShouldAllBe(e => e.ManagedBy == OutboundEndpoint.ManagedByConfig && e.Secret == null);
        var all = endpoints[0];
        all.Channel.ShouldBe(OutboundChannel.Email);
        all.Repositories.ShouldBeEmpty();
        all.Recipients.ShouldBe(["ops@example.com"]);
        all.EventTypes.ShouldBe(NotificationOptions.DefaultEvents);
        var web = endpoints[1];
        web.Repositories.ShouldBe(["https://github.com/acme/web.git"]);
        web.Recipients.ShouldBe(["dev@example.com", "lead@example.com"]);
        var slack = endpoints[2];
        slack.Channel.ShouldBe(OutboundChannel.Slack);
        slack.Url.ShouldBe("https://hooks.chat.example/services/TFAKE/BFAKE/fakeTokenNotReal");
        slack.EventTypes.ShouldBe(["task.*"]);
        slack.MaxPerMinute.ShouldBe(ConfiguredEndpoints.SlackMaxPerMinute);
        new NotificationOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void From_EnvironmentVariables_BindTheSameShape()
    {
        var prefix = $"NSTEST{Guid.NewGuid():N}__";
        var variables = new Dictionary<string, string>
        {
            ["Notifications__Email__Host"] = "smtp.example.com",
            ["Notifications__Email__From"] = "nightshift@example.com",
            ["Notifications__Email__Recipients__web__Repository"] = "https://github.com/acme/web.git",
            ["Notifications__Email__Recipients__web__Addresses__0"] = "dev@example.com",
            ["Notifications__Email__Recipients__web__Addresses__1"] = "lead@example.com",
            ["Notifications__Email__Events__0"] = EventTypes.TaskFailed,
        };
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(prefix + name, value);
            }
            var options = Bind(new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());

            var endpoint = ConfiguredEndpoints.From(options).ShouldHaveSingleItem();

            endpoint.Id.ShouldBe("email-web");
            endpoint.Recipients.ShouldBe(["dev@example.com", "lead@example.com"]);
            endpoint.EventTypes.ShouldBe([EventTypes.TaskFailed]);
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }
    }

    [Fact]
    public void From_NothingConfigured_MakesNoEndpoint() => ConfiguredEndpoints.From(new NotificationOptions()).ShouldBeEmpty();

    [Fact]
    public void From_EventsStar_MakesAnEndpointForEveryEvent()
    {
        var options = NotificationOptionsValidatorTests.Configured();
        options.Slack.Events.Add("*");

        ConfiguredEndpoints.From(options).Single(e => e.Id == ConfiguredEndpoints.SlackId).EventTypes.ShouldBeEmpty();
    }

    [Fact]
    public void From_RecipientsWithoutHost_MakesNoEmailEndpoint()
    {
        var options = NotificationOptionsValidatorTests.Configured();
        options.Email.Host = null;

        ConfiguredEndpoints.From(options).ShouldAllBe(e => e.Channel != OutboundChannel.Email);
    }

    private static NotificationOptions Bind(IConfiguration configuration)
    {
        var options = new NotificationOptions();
        configuration.GetSection(NotificationOptions.Section).Bind(options);
        return options;
    }
}

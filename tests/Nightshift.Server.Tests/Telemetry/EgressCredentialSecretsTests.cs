using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Server.Hosting;
using Nightshift.Server.Secrets;
using Nightshift.Server.Telemetry;

namespace Nightshift.Server.Tests.Telemetry;

public sealed class EgressCredentialSecretsTests
{
    private static IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Sandbox:Egress:Credentials:0:Host"] = "npm.internal.example",
        ["Sandbox:Egress:Credentials:0:Value"] = "fake-npm-registry-token",
        ["Sandbox:Egress:Credentials:1:Host"] = "feed.internal.example",
        ["Sandbox:Egress:Credentials:1:Scheme"] = "Basic",
        ["Sandbox:Egress:Credentials:1:Username"] = "ci",
        ["Sandbox:Egress:Credentials:1:Value"] = "fake-feed-password",
        ["Sandbox:Egress:Credentials:2:Host"] = "api.internal.example",
        ["Sandbox:Egress:Credentials:2:Secret"] = "API_KEY",
    }).Build();

    [Fact]
    public void From_ConfiguredValues_GivesEachValueAndItsHeaderForm()
    {
        var secrets = EgressCredentialSecrets.From(Configuration());

        secrets.ShouldBe(["fake-npm-registry-token", "Bearer fake-npm-registry-token", "fake-feed-password", "Basic Y2k6ZmFrZS1mZWVkLXBhc3N3b3Jk"]);
    }

    [Fact]
    public void LogSecrets_From_IncludesEgressCredentialValues()
    {
        var secrets = LogSecrets.From(Configuration());

        secrets.ShouldContain("fake-npm-registry-token");
        secrets.ShouldContain("Basic Y2k6ZmFrZS1mZWVkLXBhc3N3b3Jk");
        secrets.ShouldNotContain("API_KEY");
    }

    [Fact]
    public void SecretValues_Registered_MaskConfiguredEgressCredentialsInEvents()
    {
        using var data = new Support.TempDirectory();
        var services = new ServiceCollection().AddSingleton(Configuration()).AddLogging();
        services.AddNightshiftSecrets(new NightshiftServerOptions { DataDirectory = data.Path });
        using var provider = services.BuildServiceProvider();

        var values = provider.GetRequiredService<SecretValues>();

        values.Redact("npm said: token fake-npm-registry-token refused", "***").ShouldBe("npm said: token *** refused");
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Nightshift.Models.Selection;
using Nightshift.TestKit;

namespace Nightshift.Models.Tests;

public sealed class ModelOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        new ModelOptionsValidator().Validate(null, new ModelOptions()).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("Models:Model", "gpt-4.1", "Models:Model")]
    [InlineData("Models:PlanModel", "nosuch/model", "Models:PlanModel")]
    [InlineData("Models:Fallbacks:0", "openai/", "Models:Fallbacks:0")]
    [InlineData("Models:OpenAICompatibleBaseUrl", "ftp://example.com", "Models:OpenAICompatibleBaseUrl")]
    [InlineData("Models:AnthropicMaxOutputTokens", "0", "Models:AnthropicMaxOutputTokens")]
    [InlineData("Models:Resilience:MaxRetries", "-1", "Models:Resilience:MaxRetries")]
    [InlineData("Models:Resilience:MaxRetries", "1000", "Models:Resilience:MaxRetries")]
    [InlineData("Models:Resilience:CallTimeout", "00:00:00", "Models:Resilience:CallTimeout")]
    [InlineData("Models:Resilience:CircuitMinimumThroughput", "1", "Models:Resilience:CircuitMinimumThroughput")]
    [InlineData("Models:Resilience:CircuitFailureRatio", "1.5", "Models:Resilience:CircuitFailureRatio")]
    [InlineData("Models:Resilience:CircuitBreakDuration", "00:00:00.001", "Models:Resilience:CircuitBreakDuration")]
    [InlineData("Models:Resilience:DelayScale", "-3", "Models:Resilience:DelayScale")]
    [InlineData("Models:ReplayDirectory", "   ", "Models:ReplayDirectory")]
    public void AddNightshiftModels_BadSetting_FailsNamingTheSettingAndWhereToSetIt(string key, string value, string named)
    {
        using var provider = Provider(new() { [key] = value });

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<ChatClientFactory>());

        error.Message.ShouldContain(named);
        error.Message.ShouldContain("NIGHTSHIFT__Models__");
    }

    [Fact]
    public void AddNightshiftModels_NegativePrice_FailsNamingTheModel()
    {
        using var provider = Provider(new()
        {
            ["Models:Prices:openai/x:InputPerMillion"] = "-1",
            ["Models:Prices:openai/x:CachedInputPerMillion"] = "0",
            ["Models:Prices:openai/x:OutputPerMillion"] = "2",
        });

        Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<ChatClientFactory>()).Message.ShouldContain("Models:Prices:openai/x");
    }

    [Fact]
    public async Task HostStart_BadModelsSetting_StopsTheStartNamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Models:Resilience:MaxRetries"] = "-5" });
        builder.Services.AddNightshiftModels();
        using var host = builder.Build();

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestDefaults.TimeoutToken()));

        error.Message.ShouldContain("Models:Resilience:MaxRetries");
    }

    [Fact]
    public void AddNightshiftModels_EnvironmentVariable_StillWinsOverTheSection()
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration(new() { ["Models:Model"] = "openai/gpt-4.1" }))
            .AddSingleton(ModelEnvironment.From(new Dictionary<string, string?> { [ModelEnvironmentVariables.Model] = "anthropic/claude-sonnet-4-5" }))
            .AddNightshiftModels();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ChatClientFactory>().ResolveSelection().BuildModel.ToString().ShouldBe("anthropic/claude-sonnet-4-5");
    }

    [Fact]
    public void AddNightshiftModels_SectionFromTheRegisteredConfiguration_TakesEffect()
    {
        using var provider = Provider(new()
        {
            ["Models:Model"] = "ollama/qwen2.5-coder:7b",
            ["Models:ReplayDirectory"] = "/srv/cassettes",
            ["Models:OpenAICompatibleBaseUrl"] = "http://127.0.0.1:8000/v1",
        });

        var factory = provider.GetRequiredService<ChatClientFactory>();

        factory.ResolveSelection().BuildModel.ToString().ShouldBe("ollama/qwen2.5-coder:7b");
        factory.Replay.Directory.ShouldBe("/srv/cassettes");
        factory.Options.OpenAICompatibleBaseUrl.ShouldBe("http://127.0.0.1:8000/v1");
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration(settings))
            .AddSingleton(ModelEnvironment.Empty)
            .AddNightshiftModels()
            .BuildServiceProvider();

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}

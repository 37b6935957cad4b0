using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Tests;

public sealed class ModelsServiceCollectionTests
{
    [Fact]
    public void AddNightshiftModels_ModelsSection_BindsModelsFallbacksPricesAndResilience()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Models:Model"] = "openai/gpt-4.1",
            ["Models:Fallbacks:0"] = "anthropic/claude-sonnet-4-5",
            ["Models:Prices:ollama/llama3.1:InputPerMillion"] = "0",
            ["Models:Prices:ollama/llama3.1:CachedInputPerMillion"] = "0",
            ["Models:Prices:ollama/llama3.1:OutputPerMillion"] = "0",
            ["Models:Resilience:MaxRetries"] = "1",
        }).Build();
        using var provider = new ServiceCollection().AddNightshiftModels(configuration).BuildServiceProvider();

        var factory = provider.GetRequiredService<ChatClientFactory>();

        factory.Options.Model.ShouldBe("openai/gpt-4.1");
        factory.Options.Resilience.MaxRetries.ShouldBe(1);
        factory.Prices.Cost(ModelSpec.Parse("ollama/llama3.1"), 100, 100, 0).ShouldBe(0m);
        factory.ResolveSelection("openai/gpt-4.1").Build.Select(s => s.ToString()).ShouldContain("anthropic/claude-sonnet-4-5");
    }
}

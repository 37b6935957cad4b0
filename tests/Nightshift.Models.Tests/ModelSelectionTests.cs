using Nightshift.Models.Errors;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Tests;

public sealed class ModelSelectionTests
{
    [Theory]
    [InlineData("openai/gpt-4.1", "openai", "gpt-4.1")]
    [InlineData("  Anthropic/claude-sonnet-4-5 ", "anthropic", "claude-sonnet-4-5")]
    [InlineData("ollama/qwen2.5-coder:7b", "ollama", "qwen2.5-coder:7b")]
    [InlineData("openai-compatible/meta-llama/Llama-3.1-8B", "openai-compatible", "meta-llama/Llama-3.1-8B")]
    [InlineData("replay/sessions/my demo.jsonl", "replay", "sessions/my demo.jsonl")]
    [InlineData("gemini/gemini-2.5-pro", "gemini", "gemini-2.5-pro")]
    public void Parse_WellFormed_SplitsAtTheFirstSlash(string text, string provider, string model)
    {
        var spec = ModelSpec.Parse(text);

        spec.Provider.ShouldBe(provider);
        spec.Model.ShouldBe(model);
        ModelSpec.Parse(spec.ToString()).ShouldBe(spec);
    }

    [Theory]
    [InlineData(null, "no model given")]
    [InlineData("   ", "no model given")]
    [InlineData("gpt-4.1", "has no provider")]
    [InlineData("/gpt-4.1", "no provider before the slash")]
    [InlineData("openai/", "names no model")]
    [InlineData("replay/", "names no cassette")]
    [InlineData("mistral/large", "unknown model provider 'mistral'")]
    [InlineData("openai/gpt 4", "contains spaces")]
    [InlineData("openai/gpt\u00014", "control characters")]
    public void Parse_Malformed_SaysHowToWriteIt(string? text, string expected)
    {
        var error = Should.Throw<ModelConfigurationException>(() => ModelSpec.Parse(text));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Parse_Oversized_RejectedWithoutEchoingItAll()
    {
        var text = "openai/" + new string('x', 10_000);

        var error = Should.Throw<ModelConfigurationException>(() => ModelSpec.Parse(text));

        error.Message.ShouldContain("too long");
        error.Message.Length.ShouldBeLessThan(300);
    }

    [Fact]
    public void ResolveSelection_PlanAndBuildVariables_OverrideTheGeneralModelAndGetFallbacks()
    {
        using var factory = Factory(new()
        {
            ["NIGHTSHIFT_MODEL"] = "openai/gpt-4.1",
            ["NIGHTSHIFT_PLAN_MODEL"] = "anthropic/claude-opus-4-1",
            ["NIGHTSHIFT_MODEL_FALLBACKS"] = "gemini/gemini-2.5-pro, openai/gpt-4.1",
        });

        var selection = factory.ResolveSelection();

        selection.Plan.Select(s => s.ToString()).ShouldBe(["anthropic/claude-opus-4-1", "gemini/gemini-2.5-pro", "openai/gpt-4.1"]);
        selection.Build.Select(s => s.ToString()).ShouldBe(["openai/gpt-4.1", "gemini/gemini-2.5-pro"]);
    }

    [Fact]
    public void ResolveSelection_OverrideWinsOverEnvironment()
    {
        using var factory = Factory(new() { ["NIGHTSHIFT_PLAN_MODEL"] = "anthropic/claude-opus-4-1" });

        var selection = factory.ResolveSelection("ollama/llama3.1");

        selection.PlanModel.ToString().ShouldBe("ollama/llama3.1");
        selection.BuildModel.ToString().ShouldBe("ollama/llama3.1");
    }

    [Fact]
    public void ResolveSelection_NothingConfigured_SaysWhichVariableToSet()
    {
        using var factory = Factory([]);

        Should.Throw<ModelConfigurationException>(() => factory.ResolveSelection()).Message.ShouldContain("set NIGHTSHIFT_MODEL");
    }

    [Fact]
    public void ResolveSelection_MalformedVariable_NamesTheVariable()
    {
        using var factory = Factory(new() { ["NIGHTSHIFT_MODEL"] = "openai/gpt-4.1", ["NIGHTSHIFT_BUILD_MODEL"] = "gpt-4.1" });

        Should.Throw<ModelConfigurationException>(() => factory.ResolveSelection("")).Message.ShouldStartWith("NIGHTSHIFT_BUILD_MODEL: ");
    }

    [Theory]
    [InlineData("openai/gpt-4.1", "set OPENAI_API_KEY")]
    [InlineData("anthropic/claude-sonnet-4-5", "set ANTHROPIC_API_KEY")]
    [InlineData("gemini/gemini-2.5-flash", "set GEMINI_API_KEY")]
    [InlineData("openai-compatible/some-model", "set NIGHTSHIFT_OPENAI_COMPATIBLE_BASE_URL")]
    [InlineData("replay/does/not/exist.jsonl", "Models:ReplayDirectory")]
    public void Create_MissingKeyOrEndpoint_NamesTheVariable(string model, string expected)
    {
        using var factory = Factory([]);

        Should.Throw<ModelConfigurationException>(() => factory.Create(model)).Message.ShouldContain(expected);
    }

    [Theory]
    [InlineData("OPENAI_BASE_URL", "ftp://example.com")]
    [InlineData("OPENAI_BASE_URL", "not a url")]
    public void Create_BadBaseUrl_NamesTheVariable(string variable, string value)
    {
        using var factory = Factory(new() { ["OPENAI_API_KEY"] = "sk-x", [variable] = value });

        Should.Throw<ModelConfigurationException>(() => factory.Create("openai/gpt-4.1")).Message.ShouldStartWith($"{variable} is '{value}'");
    }

    [Fact]
    public void Create_OllamaWithoutAnything_NeedsNoKey()
    {
        using var factory = Factory([]);

        factory.Create("ollama/llama3.1").ShouldNotBeNull();
    }

    private static ChatClientFactory Factory(Dictionary<string, string?> environment) =>
        new(new ModelOptions(), ModelEnvironment.From(environment));
}

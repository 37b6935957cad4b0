using Microsoft.Extensions.AI;
using Nightshift.Models.Errors;
using Nightshift.Models.Selection;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

/// <summary>Keys given per call (an organisation's own) take the configured key's place for their provider only.</summary>
public sealed class GivenApiKeyTests : IAsyncLifetime
{
    private const string OrgOpenAIKey = "sk-test-org-openai-abcdefghijklmnop";
    private const string OrgAnthropicKey = "sk-ant-test-org-abcdefghijklmnop";

    private ModelTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateChain_GivenOpenAIKey_SendsItInsteadOfTheConfiguredOne()
    {
        _host.Server.Enqueue(ScriptedReply.Text("org"));
        using var factory = _host.Factory();
        using var client = factory.CreateChain([ModelSpec.Parse("openai/gpt-4.1")], null, new Dictionary<string, string> { ["openai"] = OrgOpenAIKey });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        _host.Server.Requests.ShouldHaveSingleItem().Header("Authorization").ShouldBe($"Bearer {OrgOpenAIKey}");
    }

    [Fact]
    public async Task CreateChain_KeyForAnotherProvider_KeepsTheConfiguredKey()
    {
        _host.Server.Enqueue(ScriptedReply.Text("server"));
        using var factory = _host.Factory();
        using var client = factory.CreateChain([ModelSpec.Parse("openai/gpt-4.1")], null, new Dictionary<string, string> { ["anthropic"] = OrgAnthropicKey });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        _host.Server.Requests.ShouldHaveSingleItem().Header("Authorization").ShouldBe($"Bearer {ModelTestHost.OpenAIKey}");
    }

    [Fact]
    public async Task CreateChain_GivenAnthropicKey_SendsItInsteadOfTheConfiguredOne()
    {
        _host.Server.Enqueue(ScriptedReply.Text("org"));
        using var factory = _host.Factory();
        using var client = factory.CreateChain([ModelSpec.Parse("anthropic/claude-sonnet-4-5")], null, new Dictionary<string, string> { ["anthropic"] = OrgAnthropicKey });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        _host.Server.Requests.ShouldHaveSingleItem().Header("Authorization").ShouldBe($"Bearer {OrgAnthropicKey}");
    }

    [Fact]
    public async Task CreateChain_NoConfiguredKeyButOneGiven_CallsWithTheGivenKey()
    {
        _host.Environment.Remove(ModelEnvironmentVariables.OpenAIApiKey);
        _host.Server.Enqueue(ScriptedReply.Text("org only"));
        using var factory = _host.Factory();

        Should.Throw<ModelConfigurationException>(() => factory.CreateChain([ModelSpec.Parse("openai/gpt-4.1")], null, null));
        using var client = factory.CreateChain([ModelSpec.Parse("openai/gpt-4.1")], null, new Dictionary<string, string> { ["openai"] = OrgOpenAIKey });
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        _host.Server.Requests.ShouldHaveSingleItem().Header("Authorization").ShouldBe($"Bearer {OrgOpenAIKey}");
    }

    [Fact]
    public async Task CreateChain_ProviderRefusesTheGivenKey_ErrorDoesNotCarryIt()
    {
        for (var i = 0; i < 3; i++)
        {
            _host.Server.Enqueue(ScriptedReply.Status(401, $"Incorrect API key provided: {OrgOpenAIKey}"));
        }
        using var factory = _host.Factory();
        using var client = factory.CreateChain([ModelSpec.Parse("openai/gpt-4.1")], null, new Dictionary<string, string> { ["openai"] = OrgOpenAIKey });

        var error = await Should.ThrowAsync<Exception>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken()));

        error.ToString().ShouldNotContain(OrgOpenAIKey);
    }
}

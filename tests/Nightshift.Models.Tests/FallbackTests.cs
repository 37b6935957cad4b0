using Microsoft.Extensions.AI;
using Nightshift.Models.Errors;
using Nightshift.Models.Fallback;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

public sealed class FallbackTests : IAsyncLifetime
{
    private ModelTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetResponse_FirstProviderKeepsFailing_NextOneAnswersAndFallbackIsReported()
    {
        _host.Server.When(r => r.Format == ModelWireFormat.OpenAIChatCompletions, ScriptedReply.Status(503, "overloaded"));
        _host.Server.When(r => r.Format == ModelWireFormat.AnthropicMessages, ScriptedReply.Text("from anthropic").WithUsage(100, 10));
        var fallbacks = new List<ModelFallback>();
        using var factory = _host.Factory();
        var chain = ModelSpec.ParseChain("openai/gpt-4.1,anthropic/claude-sonnet-4-5");
        var client = factory.CreateChain(chain, fallbacks.Add);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "ignored" }, TestDefaults.TimeoutToken());

        response.Text.ShouldBe("from anthropic");
        var fallback = fallbacks.ShouldHaveSingleItem();
        fallback.From.ToString().ShouldBe("openai/gpt-4.1");
        fallback.To.ToString().ShouldBe("anthropic/claude-sonnet-4-5");
        fallback.Kind.ShouldBe(ModelFailureKind.ServerError);
        response.AnsweredBy()!.ToString().ShouldBe("anthropic/claude-sonnet-4-5");
        var usage = factory.Meter.Measure(response, chain[0]);
        usage.Provider.ShouldBe("anthropic");
        usage.CostUsd.ShouldBe((100 * 3.00m + 10 * 15.00m) / 1_000_000m);
        _host.Server.Requests.Count(r => r.Format == ModelWireFormat.OpenAIChatCompletions).ShouldBe(3);
    }

    [Fact]
    public async Task GetStreamingResponse_FirstFailsBeforeAnyToken_StreamsFromTheNext()
    {
        _host.Server.When(r => r.Format == ModelWireFormat.AnthropicMessages, ScriptedReply.Status(401, "bad key"));
        _host.Server.When(r => r.Format == ModelWireFormat.OpenAIChatCompletions, ScriptedReply.Text("streamed by openai"));
        var fallbacks = new List<ModelFallback>();
        using var factory = _host.Factory();
        var client = factory.CreateChain(ModelSpec.ParseChain("anthropic/claude-sonnet-4-5, openai/gpt-4.1"), fallbacks.Add);

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken())
            .ToChatResponseAsync(TestDefaults.TimeoutToken());

        response.Text.ShouldBe("streamed by openai");
        fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(ModelFailureKind.Authentication);
    }

    [Fact]
    public async Task GetResponse_EveryModelFails_MessageListsEachFailure()
    {
        _host.Server.Fallback = ScriptedReply.Status(500, "down");
        using var factory = _host.Factory();
        var client = factory.CreateChain(ModelSpec.ParseChain("openai/gpt-4.1,gemini/gemini-2.5-flash"));

        var error = await Should.ThrowAsync<ModelProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken()));

        error.Message.ShouldContain("every model in the chain failed");
        error.Message.ShouldContain("openai/gpt-4.1:");
        error.Message.ShouldContain("gemini/gemini-2.5-flash:");
    }

    [Fact]
    public async Task GetResponse_CallerCancels_NoFallback()
    {
        _host.Server.Fallback = ScriptedReply.Hang();
        var fallbacks = new List<ModelFallback>();
        using var factory = _host.Factory();
        var client = factory.CreateChain(ModelSpec.ParseChain("openai/gpt-4.1,anthropic/claude-sonnet-4-5"), fallbacks.Add);
        using var cancel = new CancellationTokenSource();

        var call = client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cancel.Token);
        await TestDefaults.WaitUntilAsync(() => _host.Server.RequestCount == 1, "the first model was asked");
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => call);
        fallbacks.ShouldBeEmpty();
        _host.Server.RequestCount.ShouldBe(1);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nightshift.Models.Errors;
using Nightshift.Models.Selection;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

/// <summary>Every provider's client is one ChatClientBuilder pipeline: telemetry and logging from Microsoft.Extensions.AI, our pieces as middleware.</summary>
public sealed class PipelineTests : IAsyncLifetime
{
    private ModelTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static List<ChatMessage> Hi => [new(ChatRole.User, "hi")];

    [Theory]
    [InlineData("openai/gpt-4.1")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("gemini/gemini-2.5-flash")]
    public void Create_AnyProvider_IsTheOfficialAdapterInsideTelemetryAndLoggingMiddleware(string model)
    {
        var client = _host.Client(model);

        client.GetService<OpenTelemetryChatClient>().ShouldNotBeNull();
        client.GetService<LoggingChatClient>().ShouldNotBeNull();
        var metadata = client.GetService<ChatClientMetadata>().ShouldNotBeNull();
        metadata.ProviderName.ShouldBe(model[..model.IndexOf('/')]);
        metadata.DefaultModelId.ShouldBe(model[(model.IndexOf('/') + 1)..]);
        client.GetService<ModelSpec>().ShouldBe(ModelSpec.Parse(model));
    }

    [Fact]
    public void Create_OpenAI_UsesTheMicrosoftExtensionsAIAdapter()
    {
        var adapter = _host.Client("openai/gpt-4.1").GetService<OpenAI.Chat.ChatClient>();

        adapter.ShouldNotBeNull();
        typeof(OpenAIClientExtensions).Assembly.GetName().Name.ShouldBe("Microsoft.Extensions.AI.OpenAI");
    }

    [Fact]
    public async Task GetResponse_ActivityListener_SeesAGenAISpanNamingProviderModelAndTokens()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ChatClientFactory.TelemetrySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        _host.Server.Enqueue(ScriptedReply.Text("ok").WithUsage(input: 120, output: 8, cached: 100));

        await _host.Client("gemini/gemini-2.5-flash").GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken());

        var span = spans.ShouldHaveSingleItem();
        span.DisplayName.ShouldContain("gemini-2.5-flash");
        span.GetTagItem("gen_ai.provider.name").ShouldBe("gemini");
        span.GetTagItem("gen_ai.request.model").ShouldBe("gemini-2.5-flash");
        span.GetTagItem("gen_ai.usage.input_tokens").ShouldBe(120);
    }

    [Fact]
    public async Task GetResponse_Failure_LoggingMiddlewareSeesTheTranslatedRedactedError()
    {
        _host.Server.Fallback = ScriptedReply.Status(401, $"bad key {ModelTestHost.OpenAIKey} for ns_Q1w2E3r4T5y6U7i8O9p0AsDfGhJkL");

        var error = await Should.ThrowAsync<ModelProviderException>(() => _host.Client("openai/gpt-4.1").GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));

        // The message is what the agent puts in the task's events and last error.
        error.Message.ShouldNotContain("ns_Q1w2");
        error.Message.ShouldNotContain(ModelTestHost.OpenAIKey);
        _host.Logs.Lines.ShouldContain(line => line.Contains("GetResponseAsync failed", StringComparison.Ordinal));
        _host.Logs.Lines.ShouldAllBe(line => !line.Contains(ModelTestHost.OpenAIKey) && !line.Contains("ns_Q1w2"));
    }

    [Fact]
    public async Task GetResponse_TraceLogging_ConversationLoggedWithSecretsMasked()
    {
        const string token = "ns_Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg1Ff0DdSsAaQqWwEeR";
        _host.Server.Enqueue(ScriptedReply.Text($"your token {token} works"));

        await _host.Client("openai/gpt-4.1").GetResponseAsync([new ChatMessage(ChatRole.User, $"try {token} and {ModelTestHost.OpenAIKey}")], cancellationToken: TestDefaults.TimeoutToken());

        var lines = _host.Logs.Lines;
        lines.ShouldContain(line => line.Contains("try [REDACTED] and [REDACTED]", StringComparison.Ordinal));
        lines.ShouldContain(line => line.Contains("your token [REDACTED] works", StringComparison.Ordinal));
        lines.ShouldAllBe(line => !line.Contains("ns_Zx9") && !line.Contains(ModelTestHost.OpenAIKey));
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Nightshift.Models.Errors;
using Nightshift.Models.Resilience;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

public sealed class ResilienceTests : IAsyncLifetime
{
    private ModelTestHost _host = null!;
    private readonly ConcurrentQueue<ModelRetry> _retries = new();

    public async Task InitializeAsync()
    {
        _host = await ModelTestHost.StartAsync();
        _host.Options.Resilience.OnRetry = _retries.Enqueue;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static List<ChatMessage> Hi => [new(ChatRole.User, "hi")];

    [Theory]
    [InlineData("openai/gpt-4.1", "OPENAI_API_KEY")]
    [InlineData("anthropic/claude-sonnet-4-5", "ANTHROPIC_API_KEY")]
    [InlineData("gemini/gemini-2.5-pro", "GEMINI_API_KEY")]
    public async Task GetResponse_Unauthorized_NamesTheVariableAndHidesTheKey(string model, string variable)
    {
        _host.Server.Fallback = ScriptedReply.Status(401, $"Incorrect API key provided: {ModelTestHost.OpenAIKey} {ModelTestHost.AnthropicKey}");
        var client = _host.Client(model);

        var error = await Should.ThrowAsync<ModelProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));

        error.Kind.ShouldBe(ModelFailureKind.Authentication);
        error.Message.ShouldContain($"set {variable}");
        error.Message.ShouldNotContain(ModelTestHost.OpenAIKey);
        error.Message.ShouldNotContain(ModelTestHost.AnthropicKey);
        error.ToString().ShouldNotContain("sk-test");
        _host.Server.RequestCount.ShouldBe(1);
        _host.Logs.Lines.ShouldNotBeEmpty();
        _host.Logs.Lines.ShouldAllBe(line => !line.Contains("sk-test") && !line.Contains("sk-ant-test"));
    }

    [Theory]
    [InlineData("openai/gpt-4.1")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    public async Task GetResponse_RateLimitedWithRetryAfterSeconds_WaitsWhatTheServerAsked(string model)
    {
        _host.Server.Enqueue(ScriptedReply.Status(429, "slow down", retryAfter: "7"), ScriptedReply.Text("finally"));
        var client = _host.Client(model);

        var response = await client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken());

        response.Text.ShouldBe("finally");
        var retry = _retries.ShouldHaveSingleItem();
        retry.FromRetryAfter.ShouldBeTrue();
        retry.RequestedDelay.ShouldBe(TimeSpan.FromSeconds(7));
        retry.Reason.ShouldBe("HTTP 429");
        _host.Server.RequestCount.ShouldBe(2);
    }

    [Fact]
    public async Task GetResponse_RetryAfterHttpDate_MeasuredAgainstTheClock()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        _host.Server.Enqueue(ScriptedReply.Status(429, "slow down", retryAfter: "Sun, 22 Nov 2026 12:00:42 GMT"), ScriptedReply.Text("ok"));
        var client = _host.Factory(clock).Create("openai/gpt-4.1");

        await client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken());

        _retries.ShouldHaveSingleItem().RequestedDelay.ShouldBe(TimeSpan.FromSeconds(42));
    }

    [Fact]
    public async Task GetResponse_RetryAfterLongerThanAllowed_FailsAtOnceForTheFallback()
    {
        _host.Options.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(30);
        _host.Server.Fallback = ScriptedReply.Status(429, "quota", retryAfter: "3600");
        var client = _host.Client("openai/gpt-4.1");

        var error = await Should.ThrowAsync<ModelProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));

        error.Kind.ShouldBe(ModelFailureKind.RateLimited);
        error.Message.ShouldContain("3600 s");
        _host.Server.RequestCount.ShouldBe(1);
    }

    [Theory]
    [InlineData("openai/gpt-4.1")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    public async Task GetResponse_ServerErrorThenSuccess_RetriesWithBackoff(string model)
    {
        _host.Server.Enqueue(ScriptedReply.Status(500), ScriptedReply.Status(503), ScriptedReply.Text("recovered"));
        var client = _host.Client(model);

        var response = await client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken());

        response.Text.ShouldBe("recovered");
        _retries.Count.ShouldBe(2);
        _retries.ShouldAllBe(r => !r.FromRetryAfter && r.RequestedDelay > TimeSpan.Zero && r.Delay == TimeSpan.Zero);
        // Backoff doubles (jitter keeps each within its upper half).
        var delays = _retries.Select(r => r.RequestedDelay).ToList();
        delays[0].ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        delays[1].ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task GetResponse_ServerErrorsOutlastRetries_SaysHowManyAttempts()
    {
        _host.Server.Fallback = ScriptedReply.Status(502, "bad gateway");
        var client = _host.Client("openai/gpt-4.1");

        var error = await Should.ThrowAsync<ModelProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));

        error.Kind.ShouldBe(ModelFailureKind.ServerError);
        error.Message.ShouldContain("3 attempts");
        error.Message.ShouldContain("bad gateway");
        _host.Server.RequestCount.ShouldBe(3);
    }

    [Theory]
    [InlineData("openai/gpt-4.1")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    public async Task GetResponse_MalformedBody_ClearErrorNamingTheBaseUrl(string model)
    {
        _host.Server.Enqueue(ScriptedReply.Malformed());
        var client = _host.Client(model);

        var error = await Should.ThrowAsync<ModelProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));

        error.Kind.ShouldBe(ModelFailureKind.MalformedResponse);
        error.Message.ShouldContain("could not read");
        error.Message.ShouldContain("_BASE_URL");
    }

    [Fact]
    public async Task GetResponse_CancelledWhileWaiting_StopsAtOnceWithoutRetry()
    {
        _host.Server.Fallback = ScriptedReply.Hang();
        var client = _host.Client("openai/gpt-4.1");
        using var cancel = new CancellationTokenSource();

        var call = client.GetResponseAsync(Hi, cancellationToken: cancel.Token);
        await TestDefaults.WaitUntilAsync(() => _host.Server.RequestCount == 1, "the request reached the server");
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => call);
        _host.Server.RequestCount.ShouldBe(1);
        _retries.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetResponse_ServerHangs_PerCallTimeoutThenRetriedThenTimeoutError()
    {
        // A first call warms the server and the SDK, so the short timeout measures only the hang.
        _host.Server.Enqueue(ScriptedReply.Text("warm"));
        await _host.Client("anthropic/claude-sonnet-4-5").GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken());
        // Long enough that each attempt reaches the server even on a loaded machine, short enough to keep the test quick.
        _host.Options.Resilience.CallTimeout = TimeSpan.FromMilliseconds(1_500);
        _host.Options.Resilience.MaxRetries = 1;
        _host.Server.Fallback = ScriptedReply.Hang();
        var client = _host.Client("anthropic/claude-sonnet-4-5");

        var error = await Should.ThrowAsync<ModelProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));

        error.Kind.ShouldBe(ModelFailureKind.Timeout);
        error.Message.ShouldContain("1.5 s");
        error.Message.ShouldContain("2 attempts");
        _host.Server.RequestCount.ShouldBe(3);
    }

    [Fact]
    public async Task GetResponse_RepeatedFailures_OpenTheProviderCircuit()
    {
        _host.Options.Resilience.MaxRetries = 0;
        _host.Options.Resilience.CircuitMinimumThroughput = 2;
        _host.Options.Resilience.CircuitFailureRatio = 1.0;
        _host.Options.Resilience.CircuitBreakDuration = TimeSpan.FromMinutes(5);
        _host.Server.Fallback = ScriptedReply.Status(500);
        using var factory = _host.Factory();
        var first = factory.Create("openai/gpt-4.1");
        var second = factory.Create("openai/gpt-4.1-mini");

        await Should.ThrowAsync<ModelProviderException>(() => first.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));
        await Should.ThrowAsync<ModelProviderException>(() => first.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));
        var error = await Should.ThrowAsync<ModelProviderException>(() => second.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()));

        error.Kind.ShouldBe(ModelFailureKind.CircuitOpen);
        error.Message.ShouldContain("circuit open");
        _host.Server.RequestCount.ShouldBe(2);
        var other = factory.Create("anthropic/claude-sonnet-4-5");
        _host.Server.Enqueue(ScriptedReply.Text("anthropic is fine"));
        (await other.GetResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken())).Text.ShouldBe("anthropic is fine");
    }

    [Fact]
    public async Task GetStreamingResponse_ServerErrorBeforeFirstToken_IsRetried()
    {
        _host.Server.Enqueue(ScriptedReply.Status(500), ScriptedReply.Text("streamed after retry"));
        var client = _host.Client("openai/gpt-4.1");

        var response = await client.GetStreamingResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()).ToChatResponseAsync(TestDefaults.TimeoutToken());

        response.Text.ShouldBe("streamed after retry");
        _host.Server.RequestCount.ShouldBe(2);
    }

    [Fact]
    public async Task GetStreamingResponse_StreamBreaksAfterFirstToken_IsNotRetried()
    {
        _host.Server.Enqueue(ScriptedReply.Raw(200, "text/event-stream",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"partial\"},\"finish_reason\":null}]}\n\ndata: {broken json\n\n"));
        _host.Server.Fallback = ScriptedReply.Text("must not be asked");
        var client = _host.Client("openai/gpt-4.1");
        var seen = new List<string>();

        var error = await Should.ThrowAsync<ModelProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Hi, cancellationToken: TestDefaults.TimeoutToken()))
            {
                seen.Add(update.Text);
            }
        });

        seen.ShouldContain("partial");
        error.Kind.ShouldBe(ModelFailureKind.MalformedResponse);
        _host.Server.RequestCount.ShouldBe(1);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

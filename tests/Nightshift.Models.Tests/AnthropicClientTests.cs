using Microsoft.Extensions.AI;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

public sealed class AnthropicClientTests : IAsyncLifetime
{
    private ModelTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetResponse_PlainText_ReturnsTextAndSendsKeyHeader()
    {
        _host.Server.Enqueue(ScriptedReply.Text("Hello from Claude's stand-in"));
        var client = _host.Client("anthropic/claude-sonnet-4-5");

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        response.Text.ShouldBe("Hello from Claude's stand-in");
        var request = _host.Server.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/v1/messages");
        request.Model.ShouldBe("claude-sonnet-4-5");
        // This SDK version sends the API key as a bearer token.
        request.Header("Authorization").ShouldBe($"Bearer {ModelTestHost.AnthropicKey}");
        request.Json.GetProperty("max_tokens").GetInt32().ShouldBeGreaterThan(0);
        request.Json.GetProperty("system").ToString().ShouldContain("be brief");
    }

    [Fact]
    public async Task GetResponse_ParallelToolUse_ReturnsFunctionCalls()
    {
        _host.Server.Enqueue(ScriptedReply.ToolCalls(
            ScriptedToolCall.Of("read_file", new { path = "a.txt" }, "toolu_1"),
            ScriptedToolCall.Of("search", new { pattern = "x", limit = 2 }, "toolu_2")));
        var client = _host.Client("anthropic/claude-sonnet-4-5");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], Tools.Options, TestDefaults.TimeoutToken());

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        calls.Select(c => (c.CallId, c.Name)).ShouldBe([("toolu_1", "read_file"), ("toolu_2", "search")]);
        calls[0].Arguments!["path"]!.ToString().ShouldBe("a.txt");
        _host.Server.Requests[0].Json.GetProperty("tools").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task GetStreamingResponse_TextAndInputJsonDeltas_Assemble()
    {
        _host.Server.Enqueue(ScriptedReply.ToolCall("read_file", new { path = "some/longer/path.txt" }, "toolu_9")
            .WithText("Reading the file now.")
            .WithUsage(900, 30, 600));
        var client = _host.Client("anthropic/claude-sonnet-4-5");

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], Tools.Options, TestDefaults.TimeoutToken())
            .ToChatResponseAsync(TestDefaults.TimeoutToken());

        response.Text.ShouldBe("Reading the file now.");
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.CallId.ShouldBe("toolu_9");
        call.Arguments!["path"]!.ToString().ShouldBe("some/longer/path.txt");
        response.Usage!.OutputTokenCount.ShouldBe(30);
        _host.Server.Requests[0].Stream.ShouldBeTrue();
    }

    [Fact]
    public async Task GetResponse_Usage_CountsCacheReadsAsCachedInput()
    {
        _host.Server.Enqueue(ScriptedReply.Text("ok").WithUsage(input: 1500, output: 60, cached: 1000));
        var client = _host.Client("anthropic/claude-sonnet-4-5");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        response.Usage!.CachedInputTokenCount.ShouldBe(1000);
        response.Usage.OutputTokenCount.ShouldBe(60);
        response.Usage.InputTokenCount.ShouldBe(1500);
    }
}

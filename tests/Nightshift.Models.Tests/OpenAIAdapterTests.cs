using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

public sealed class OpenAIAdapterTests : IAsyncLifetime
{
    private ModelTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetResponse_PlainText_ReturnsTextAndSendsKeyAndModel()
    {
        _host.Server.Enqueue(ScriptedReply.Text("Hello from the script"));
        var client = _host.Client("openai/gpt-4.1");

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        response.Text.ShouldBe("Hello from the script");
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        var request = _host.Server.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/v1/chat/completions");
        request.Model.ShouldBe("gpt-4.1");
        request.Header("Authorization").ShouldBe($"Bearer {ModelTestHost.OpenAIKey}");
        request.Messages.Select(m => m.GetProperty("role").GetString()).ShouldBe(["system", "user"]);
    }

    [Fact]
    public async Task GetResponse_Instructions_SentAsLeadingSystemMessage()
    {
        _host.Server.Enqueue(ScriptedReply.Text("ok"));
        var client = _host.Client("openai/gpt-4.1");

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { Instructions = "You are Nightshift." }, TestDefaults.TimeoutToken());

        var first = _host.Server.Requests[0].Messages[0];
        first.GetProperty("role").GetString().ShouldBe("system");
        first.GetProperty("content").ToString().ShouldContain("You are Nightshift.");
    }

    [Fact]
    public async Task GetResponse_OneToolCall_ParsesJsonArgumentsAndSendsToolSchemas()
    {
        _host.Server.Enqueue(ScriptedReply.ToolCall("read_file", new { path = "src/app.cs" }, id: "call_abc"));
        var client = _host.Client("openai/gpt-4.1");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "read it")], Tools.Options, TestDefaults.TimeoutToken());

        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.CallId.ShouldBe("call_abc");
        call.Name.ShouldBe("read_file");
        call.Arguments!["path"]!.ToString().ShouldBe("src/app.cs");
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        var tools = _host.Server.Requests[0].Json.GetProperty("tools");
        tools.GetArrayLength().ShouldBe(2);
        tools[0].GetProperty("function").GetProperty("name").GetString().ShouldBe("read_file");
        tools[0].GetProperty("function").GetProperty("parameters").GetProperty("properties").TryGetProperty("path", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task GetResponse_ParallelToolCalls_ReturnsEveryCallInOrder()
    {
        _host.Server.Enqueue(ScriptedReply.ToolCalls(
            ScriptedToolCall.Of("read_file", new { path = "a.txt" }),
            ScriptedToolCall.Of("search", new { pattern = "TODO", limit = 5 }),
            ScriptedToolCall.Of("read_file", new { path = "b.txt" })));
        var client = _host.Client("openai/gpt-4.1");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], Tools.Options, TestDefaults.TimeoutToken());

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        calls.Select(c => c.Name).ShouldBe(["read_file", "search", "read_file"]);
        calls.Select(c => c.CallId).Distinct().Count().ShouldBe(3);
        ((JsonElement)calls[1].Arguments!["limit"]!).GetInt32().ShouldBe(5);
    }

    [Fact]
    public async Task GetResponse_ToolResultsInConversation_SentAsToolMessagesWithCallIds()
    {
        _host.Server.Enqueue(ScriptedReply.Text("done"));
        var client = _host.Client("openai/gpt-4.1");
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "read"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "read_file", new Dictionary<string, object?> { ["path"] = "a" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "file body")]),
        ];

        await client.GetResponseAsync(conversation, Tools.Options, TestDefaults.TimeoutToken());

        var messages = _host.Server.Requests[0].Messages;
        messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString().ShouldBe("call_1");
        messages[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString().ShouldBe("{\"path\":\"a\"}");
        messages[2].GetProperty("role").GetString().ShouldBe("tool");
        messages[2].GetProperty("tool_call_id").GetString().ShouldBe("call_1");
        messages[2].GetProperty("content").ToString().ShouldContain("file body");
    }

    [Fact]
    public async Task GetResponse_ImageInputs_SentAsImageParts()
    {
        _host.Server.Enqueue(ScriptedReply.Text("a cat"));
        var client = _host.Client("openai/gpt-4.1");
        var message = new ChatMessage(ChatRole.User,
        [
            new TextContent("what is this?"),
            new DataContent(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png"),
            new UriContent(new Uri("https://example.com/cat.jpg"), "image/jpeg"),
        ]);

        await client.GetResponseAsync([message], cancellationToken: TestDefaults.TimeoutToken());

        var parts = _host.Server.Requests[0].Messages[0].GetProperty("content");
        parts.GetArrayLength().ShouldBe(3);
        parts[1].GetProperty("image_url").GetProperty("url").GetString().ShouldStartWith("data:image/png;base64,iVBORw");
        parts[2].GetProperty("image_url").GetProperty("url").GetString().ShouldBe("https://example.com/cat.jpg");
    }

    [Fact]
    public async Task GetResponse_Usage_MapsCachedTokens()
    {
        _host.Server.Enqueue(ScriptedReply.Text("ok").WithUsage(input: 1200, output: 80, cached: 1000));
        var client = _host.Client("openai/gpt-4.1");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        response.Usage!.InputTokenCount.ShouldBe(1200);
        response.Usage.OutputTokenCount.ShouldBe(80);
        response.Usage.CachedInputTokenCount.ShouldBe(1000);
    }

    [Fact]
    public async Task GetStreamingResponse_TextAndToolCallDeltas_AssembleIntoOneResponseWithUsage()
    {
        _host.Server.Enqueue(ScriptedReply.ToolCalls(
                ScriptedToolCall.Of("read_file", new { path = "docs/a long path/file.md" }),
                ScriptedToolCall.Of("search", new { pattern = "needle", limit = 3 }))
            .WithText("Let me look at two things.")
            .WithUsage(500, 40, 200));
        var client = _host.Client("openai/gpt-4.1");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], Tools.Options, TestDefaults.TimeoutToken()))
        {
            updates.Add(update);
        }
        var response = updates.ToChatResponse();

        updates.Count(u => u.Text.Length > 0).ShouldBeGreaterThan(1);
        response.Text.ShouldBe("Let me look at two things.");
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        calls.Select(c => c.Name).ShouldBe(["read_file", "search"]);
        calls[0].Arguments!["path"]!.ToString().ShouldBe("docs/a long path/file.md");
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        response.Usage!.InputTokenCount.ShouldBe(500);
        response.Usage.CachedInputTokenCount.ShouldBe(200);
        _host.Server.Requests[0].Stream.ShouldBeTrue();
    }

    [Fact]
    public async Task GetResponse_ToolCallWithBrokenArguments_ReportsParseErrorOnTheCall()
    {
        _host.Server.Enqueue(ScriptedReply.ToolCalls(new ScriptedToolCall("read_file", "{\"path\": ")));
        var client = _host.Client("openai/gpt-4.1");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], Tools.Options, TestDefaults.TimeoutToken());

        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.Exception.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("ollama/qwen2.5-coder:7b", null)]
    [InlineData("openai-compatible/meta-llama/Llama-3.1-8B", null)]
    [InlineData("gemini/gemini-2.5-flash", ModelTestHost.GeminiKey)]
    public async Task GetResponse_CompatibleProviders_UseTheirBaseUrlAndKey(string model, string? expectedKey)
    {
        _host.Server.Enqueue(ScriptedReply.Text("compatible"));
        var client = _host.Client(model);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        response.Text.ShouldBe("compatible");
        var request = _host.Server.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/v1/chat/completions");
        request.Model.ShouldBe(model[(model.IndexOf('/') + 1)..]);
        request.Header("Authorization").ShouldBe(expectedKey is null ? null : $"Bearer {expectedKey}");
    }
}

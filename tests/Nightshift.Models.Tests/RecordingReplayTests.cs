using Microsoft.Extensions.AI;
using Nightshift.Models.Recording;
using Nightshift.Models.Replay;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

public sealed class RecordingReplayTests : IAsyncLifetime
{
    private ModelTestHost _host = null!;
    private readonly string _dir = Directory.CreateTempSubdirectory("nightshift-cassette-").FullName;

    public async Task InitializeAsync() => _host = await ModelTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string Cassette => Path.Combine(_dir, "session.jsonl");

    [Fact]
    public async Task RecordThenReplay_SameConversation_PlaysBackTextToolCallsAndUsage()
    {
        var conversation = await RecordSessionAsync();

        using var replay = new ChatClientFactory(new ModelOptions { ReplayDirectory = _dir }, ModelEnvironment.Empty).Create($"replay/{Cassette}");
        var first = await replay.GetResponseAsync(conversation[..1], Tools.Options, TestDefaults.TimeoutToken());
        var second = await replay.GetStreamingResponseAsync(conversation, Tools.Options, TestDefaults.TimeoutToken()).ToChatResponseAsync(TestDefaults.TimeoutToken());

        var call = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.Name.ShouldBe("read_file");
        call.CallId.ShouldBe("call_1");
        second.Text.ShouldBe("The README says hello.");
        var usage = first.ToUsageRecord(ModelSpec.Parse($"replay/{Cassette}"));
        usage.Provider.ShouldBe("openai");
        usage.InputTokens.ShouldBe(300);
        usage.CostUsd.ShouldNotBeNull();
    }

    [Fact]
    public async Task Record_KeysInHeadersAndText_NeverReachTheCassette()
    {
        await RecordSessionAsync(extraUserText: $"my key is {ModelTestHost.OpenAIKey} and sk-proj-ABCDEFGHIJKLMNOPQRSTUV");

        var text = await File.ReadAllTextAsync(Cassette);
        text.ShouldNotContain(ModelTestHost.OpenAIKey);
        text.ShouldNotContain("sk-proj-ABCDEFGHIJKLMNOPQRSTUV");
        text.ShouldNotContain("sk-test");
        text.ShouldContain(SecretRedactor.Mask);
        File.ReadAllLines(Cassette).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Record_ServerTokenInTheConversation_NeverReachesTheCassette()
    {
        const string token = "ns_q8Zr3VbN0xWfLk2Jd7YtHs5MPc9AeuGi4oRnT1ywE6U";

        await RecordSessionAsync(extraUserText: $"the API token is {token}, use it");

        var text = await File.ReadAllTextAsync(Cassette);
        text.ShouldNotContain(token);
        text.ShouldNotContain("ns_q8Zr");
        text.ShouldContain("the API token is [REDACTED], use it");
    }

    [Fact]
    public async Task Replay_RelativeNameInTheReplayFolder_PlaysBack()
    {
        var conversation = await RecordSessionAsync();

        using var replay = new ChatClientFactory(new ModelOptions { ReplayDirectory = _dir }, ModelEnvironment.Empty).Create("replay/session.jsonl");
        var first = await replay.GetResponseAsync(conversation[..1], Tools.Options, TestDefaults.TimeoutToken());

        first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem().Name.ShouldBe("read_file");
        first.AnsweredBy()!.ToString().ShouldBe("openai/gpt-4.1");
    }

    [Fact]
    public async Task Replay_ConversationDiverges_StopsSayingWhichCallAndWhat()
    {
        var conversation = await RecordSessionAsync();
        var replay = ReplayChatClient.Load(Cassette);
        await replay.GetResponseAsync(conversation[..1], Tools.Options, TestDefaults.TimeoutToken());
        List<ChatMessage> changed = [.. conversation[..2], new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "something else entirely")])];

        var error = await Should.ThrowAsync<ReplayDivergenceException>(() => replay.GetResponseAsync(changed, Tools.Options, TestDefaults.TimeoutToken()));

        error.Call.ShouldBe(2);
        error.Message.ShouldContain("diverged at call 2 of 2");
        error.Message.ShouldContain("message 3 differs");
        error.Message.ShouldContain("# README");
        error.Message.ShouldContain("something else entirely");
    }

    [Fact]
    public async Task Replay_MoreCallsThanRecorded_SaysSo()
    {
        var conversation = await RecordSessionAsync();
        var replay = ReplayChatClient.Load(Cassette);
        await replay.GetResponseAsync(conversation[..1], Tools.Options, TestDefaults.TimeoutToken());
        await replay.GetResponseAsync(conversation, Tools.Options, TestDefaults.TimeoutToken());

        var error = await Should.ThrowAsync<ReplayDivergenceException>(() => replay.GetResponseAsync(conversation, Tools.Options, TestDefaults.TimeoutToken()));

        error.Message.ShouldContain("has 2 call(s) but call 3 was made");
    }

    [Theory]
    [InlineData("{not json}\n", "line 1 is not a recorded call")]
    [InlineData("", "holds no calls")]
    [InlineData("{\"call\":1,\"model\":\"openai/x\"}\n", "neither a response nor an error")]
    public async Task Load_DamagedCassette_SaysWhatIsWrong(string content, string expected)
    {
        await File.WriteAllTextAsync(Cassette, content);

        Should.Throw<Errors.ModelConfigurationException>(() => ReplayChatClient.Load(Cassette)).Message.ShouldContain(expected);
    }

    private async Task<List<ChatMessage>> RecordSessionAsync(string extraUserText = "")
    {
        _host.Options.RecordTo = Cassette;
        _host.Server.Enqueue(
            ScriptedReply.ToolCall("read_file", new { path = "README.md" }, "call_1").WithUsage(300, 20, 100),
            ScriptedReply.Text("The README says hello."));
        List<ChatMessage> conversation = [new(ChatRole.User, ("Summarise the README. " + extraUserText).Trim())];
        using (var factory = _host.Factory())
        {
            var client = factory.Create("openai/gpt-4.1");
            var first = await client.GetResponseAsync(conversation, Tools.Options, TestDefaults.TimeoutToken());
            conversation.AddRange(first.Messages);
            conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "# README\nhello")]));
            await client.GetStreamingResponseAsync(conversation, Tools.Options, TestDefaults.TimeoutToken()).ToChatResponseAsync(TestDefaults.TimeoutToken());
        }
        return conversation;
    }
}

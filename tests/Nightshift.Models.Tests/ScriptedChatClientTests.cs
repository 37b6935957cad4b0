using Microsoft.Extensions.AI;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

public sealed class ScriptedChatClientTests
{
    [Fact]
    public async Task GetResponse_Script_AnswersInOrderAndRecordsCalls()
    {
        var model = new ScriptedChatClient()
            .ThenToolCalls(("read_file", new { path = "a" }), ("read_file", new { path = "b" }))
            .ThenText("done");

        var first = await model.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]);
        var second = await model.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go"), .. first.Messages]).ToChatResponseAsync();

        first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.Arguments!["path"]!.ToString()).ShouldBe(["a", "b"]);
        second.Text.ShouldBe("done");
        model.Calls.Count.ShouldBe(2);
        model.Calls[1].Streaming.ShouldBeTrue();
        (await Should.ThrowAsync<InvalidOperationException>(() => model.GetResponseAsync([new ChatMessage(ChatRole.User, "more")]))).Message.ShouldContain("script ran out");
    }
}

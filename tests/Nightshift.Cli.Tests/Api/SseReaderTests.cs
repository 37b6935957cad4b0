using System.Text;
using Nightshift.Cli.Api;

namespace Nightshift.Cli.Tests.Api;

public sealed class SseReaderTests
{
    private static async Task<List<SseMessage>> ReadAllAsync(string text)
    {
        var messages = new List<SseMessage>();
        await foreach (var message in SseReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text))))
        {
            messages.Add(message);
        }
        return messages;
    }

    [Fact]
    public async Task Read_IdEventAndData_DispatchesOnBlankLine()
    {
        var messages = await ReadAllAsync("id: 1\nevent: task.queued\ndata: {\"seq\":1}\n\nid: 2\nevent: task.started\ndata: {}\n\n");

        messages.Count.ShouldBe(2);
        messages[0].ShouldBe(new SseMessage("1", "task.queued", "{\"seq\":1}"));
        messages[1].Id.ShouldBe("2");
    }

    [Fact]
    public async Task Read_CommentsAndCrLf_AreHandled()
    {
        var messages = await ReadAllAsync(": heartbeat\r\n\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\n");

        messages.ShouldHaveSingleItem().ShouldBe(new SseMessage("7", "message", "a\nb"));
    }

    [Fact]
    public async Task Read_MessageCutOffBeforeItsBlankLine_IsNotDispatched()
    {
        var messages = await ReadAllAsync("id: 1\ndata: {}\n\nid: 2\ndata: {\"half");

        messages.ShouldHaveSingleItem().Id.ShouldBe("1");
    }

    [Fact]
    public async Task Read_EndlessLine_ThrowsInsteadOfGrowingForever()
    {
        await Should.ThrowAsync<ProtocolException>(() => ReadAllAsync("data: " + new string('x', SseReader.MaxLineChars + 10) + "\n\n"));
    }
}

using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Nightshift.Server.Auth;
using Nightshift.Server.Streaming;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Streaming;

public sealed class StreamBadInputTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    public async Task Connect_WithoutTheToken_Refused401(string? token)
    {
        await using var server = await StreamTests.StartAsync();

        var refused = await Should.ThrowAsync<WebSocketException>(() => StreamClient.ConnectAsync(server, token));

        refused.Message.ShouldContain("401");
    }

    [Fact]
    public async Task Connect_PlainHttpGet_Gets400SayingItIsAWebSocket()
    {
        await using var server = await StreamTests.StartAsync();

        using var response = await server.Client.GetAsync("/api/v1/stream");

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("WebSocket");
    }

    [Fact]
    public async Task Connect_WithTheDashboardCookie_IsLetInFromItsOwnPagesOnly()
    {
        await using var server = await StreamTests.StartAsync();
        var cookie = await Teams.TeamSetup.SessionCookieAsync(server);

        await using (var own = await StreamClient.ConnectAsync(server, token: null, o =>
        {
            o.SetRequestHeader("Cookie", cookie);
            o.SetRequestHeader("Origin", server.Url);
        }))
        {
            (await own.RoundTripAsync()).ShouldBeEmpty();
        }
        var foreign = await Should.ThrowAsync<WebSocketException>(() => StreamClient.ConnectAsync(server, token: null, o =>
        {
            o.SetRequestHeader("Cookie", cookie);
            o.SetRequestHeader("Origin", "http://127.0.0.1:1");
        }));

        foreign.Message.ShouldContain("403");
    }

    [Fact]
    public async Task Connect_PastMaxConnections_Refused503AndTheOthersKeepWorking()
    {
        await using var server = await StreamTests.StartAsync(stream: o => o.MaxConnections = 2);
        await using var first = await StreamClient.ConnectAsync(server);
        await using var second = await StreamClient.ConnectAsync(server);

        var refused = await Should.ThrowAsync<WebSocketException>(() => StreamClient.ConnectAsync(server));

        refused.Message.ShouldContain("503");
        (await first.RoundTripAsync()).ShouldBeEmpty();
        (await second.RoundTripAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{not json", "not JSON")]
    [InlineData("[1,2,3]", "JSON array")]
    [InlineData("\"subscribe\"", "JSON string")]
    [InlineData("{}", "no \"op\"")]
    [InlineData("{\"op\":\"explode\"}", "unknown op 'explode'")]
    [InlineData("{\"op\":42}", "no \"op\"")]
    [InlineData("{\"op\":\"subscribe\"}", "exactly one of")]
    [InlineData("{\"op\":\"subscribe\",\"all\":true,\"repository\":\"r\"}", "exactly one of")]
    [InlineData("{\"op\":\"subscribe\",\"all\":false}", "\"all\" must be true")]
    [InlineData("{\"op\":\"subscribe\",\"repository\":\"\"}", "\"repository\" must be")]
    [InlineData("{\"op\":\"subscribe\",\"repository\":\"a\\u0000b\"}", "\"repository\" must be")]
    [InlineData("{\"op\":\"subscribe\",\"tasks\":{}}", "names no task")]
    [InlineData("{\"op\":\"subscribe\",\"tasks\":[\"x\"]}", "must be an object")]
    [InlineData("{\"op\":\"subscribe\",\"tasks\":{\"../../etc/passwd\":0}}", "is not a task id")]
    [InlineData("{\"op\":\"subscribe\",\"tasks\":{\"01hzzzzzzzzzzzzzzzzzzzzzzz\":-1}}", "whole number from 0")]
    [InlineData("{\"op\":\"subscribe\",\"tasks\":{\"01hzzzzzzzzzzzzzzzzzzzzzzz\":\"5\"}}", "whole number from 0")]
    [InlineData("{\"op\":\"subscribe\",\"tasks\":{\"01hzzzzzzzzzzzzzzzzzzzzzzz\":1.5}}", "whole number from 0")]
    [InlineData("{\"op\":\"subscribe\",\"tasks\":{\"01hzzzzzzzzzzzzzzzzzzzzzzz\":99999999999999999999}}", "whole number from 0")]
    [InlineData("{\"op\":\"subscribe\",\"task\":{}}", "unknown field 'task'")]
    [InlineData("{\"op\":\"ping\",\"id\":{\"a\":1}}", "\"id\" must be")]
    [InlineData("{\"op\":\"ping\",\"x\":[[[[[[[[[[[[1]]]]]]]]]]]}", "not JSON")]
    public async Task Send_MalformedMessage_AnswersAnErrorAndKeepsTheConnection(string message, string expected)
    {
        await using var server = await StreamTests.StartAsync();
        await using var client = await StreamClient.ConnectAsync(server);

        await client.SendAsync(message);
        var error = await client.ReceiveTypeAsync("error");

        error.GetProperty("message").GetString()!.ShouldContain(expected);
        (await client.RoundTripAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Send_UnknownButWellFormedTask_AnswersAnErrorNamingIt()
    {
        await using var server = await StreamTests.StartAsync();
        await using var client = await StreamClient.ConnectAsync(server);
        const string missing = "01hzzzzzzzzzzzzzzzzzzzzzzz";

        await client.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{missing}}}":0}}""");
        var error = await client.ReceiveTypeAsync("error");

        error.GetProperty("taskId").GetString().ShouldBe(missing);
        error.GetProperty("message").GetString()!.ShouldContain("does not exist");
        (await client.RoundTripAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Send_TenThousandSubscriptionsInOneMessage_RefusedNamingTheCap()
    {
        await using var server = await StreamTests.StartAsync(stream: o => o.MaxFrameBytes = 1024 * 1024);
        await using var client = await StreamClient.ConnectAsync(server);
        var tasks = string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"\"01h{i:D23}\":0"));

        await client.SendAsync($$$"""{"op":"subscribe","tasks":{{{{tasks}}}}}""");
        var error = await client.ReceiveTypeAsync("error");

        error.GetProperty("message").GetString()!.ShouldContain("Stream:MaxSubscriptions");
        (await client.RoundTripAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Send_SubscriptionsPastTheCapOneByOne_RefusesTheOneTooMany()
    {
        await using var server = await StreamTests.StartAsync(stream: o => o.MaxSubscriptions = 3);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await StreamTests.SubmitAsync(server));
        }
        await using var client = await StreamClient.ConnectAsync(server);

        await client.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{ids[0]}}}":0,"{{{ids[1]}}}":0}}""");
        await client.ReceiveTypeAsync("subscribed");
        await client.SendAsync("""{"op":"subscribe","repository":"https://github.com/example/app"}""");
        await client.ReceiveTypeAsync("subscribed");
        await client.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{ids[2]}}}":0}}""");
        var error = await client.ReceiveTypeAsync("error");

        error.GetProperty("message").GetString()!.ShouldContain("at most 3");
        await client.SendAsync("""{"op":"unsubscribe","repository":"https://github.com/example/app"}""");
        await client.ReceiveTypeAsync("unsubscribed");
        await client.SendAsync($$$"""{"op":"subscribe","tasks":{"{{{ids[2]}}}":0}}""");
        await client.ReceiveTypeAsync("subscribed");
    }

    [Fact]
    public async Task Send_MessageOverTheFrameCap_ClosesWith1009AndTheServerStaysFine()
    {
        await using var server = await StreamTests.StartAsync(stream: o => o.MaxFrameBytes = 1024);
        await using var client = await StreamClient.ConnectAsync(server);

        var huge = "{\"op\":\"ping\",\"id\":\"" + new string('x', 100_000) + "\"}";
        try
        {
            await client.SendAsync(huge);
        }
        catch (WebSocketException)
        {
            // The server may close before it has read everything.
        }
        var (status, reason) = await client.ReceiveCloseAsync();

        status.ShouldBe(WebSocketCloseStatus.MessageTooBig);
        reason!.ShouldContain("Stream:MaxFrameBytes");
        await using var next = await StreamClient.ConnectAsync(server);
        (await next.RoundTripAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Send_ManySmallFragmentsOverTheCap_ClosesWith1009()
    {
        await using var server = await StreamTests.StartAsync(stream: o => o.MaxFrameBytes = 1024);
        await using var client = await StreamClient.ConnectAsync(server);

        var piece = Encoding.UTF8.GetBytes(new string(' ', 100));
        try
        {
            for (var i = 0; i < 50; i++)
            {
                await client.Socket.SendAsync(piece, WebSocketMessageType.Text, endOfMessage: false, TestDefaults.TimeoutToken());
            }
        }
        catch (WebSocketException)
        {
        }
        var (status, _) = await client.ReceiveCloseAsync();

        status.ShouldBe(WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task Send_BinaryMessage_AnswersAnError()
    {
        await using var server = await StreamTests.StartAsync();
        await using var client = await StreamClient.ConnectAsync(server);

        await client.Socket.SendAsync(new byte[] { 0xff, 0x00, 0x7b }, WebSocketMessageType.Binary, endOfMessage: true, TestDefaults.TimeoutToken());
        var error = await client.ReceiveTypeAsync("error");

        error.GetProperty("message").GetString()!.ShouldContain("binary");
        (await client.RoundTripAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Close_ByTheClient_EndsCleanlyAndFreesTheSlot()
    {
        await using var server = await StreamTests.StartAsync(stream: o => o.MaxConnections = 1);
        var hub = server.App.Services.GetRequiredService<StreamHub>();
        await using (var first = await StreamClient.ConnectAsync(server))
        {
            (await first.RoundTripAsync()).ShouldBeEmpty();
            hub.Connections.ShouldBe(1);
        }

        await TestDefaults.WaitUntilAsync(() => hub.Connections == 0, "the closed connection's slot is free");
        await using var second = await StreamClient.ConnectAsync(server);
        (await second.RoundTripAsync()).ShouldBeEmpty();
    }
}

using System.Net.Sockets;
using System.Text;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public sealed class EgressProxyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("localhost")]
    [InlineData("[::1]")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("0.0.0.0")]
    [InlineData("2130706433")]
    public async Task Connect_LoopbackTarget_RefusedWith403AndCanaryHearsNothing(string host)
    {
        using var canary = new CanaryListener();
        await using var proxy = new ProxyHarness();

        var answer = await proxy.SendAsync($"CONNECT {host}:{canary.Port} HTTP/1.1\r\nHost: {host}:{canary.Port}\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 403 ");
        canary.Connections.ShouldBe(0);
        var decision = proxy.Decisions.ShouldHaveSingleItem();
        decision.Allowed.ShouldBeFalse();
        decision.Port.ShouldBe(canary.Port);
        decision.Method.ShouldBe("CONNECT");
        decision.Reason.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("10.1.2.3", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.1.1", "carrier-grade NAT")]
    [InlineData("[fd00::1]", "unique local")]
    [InlineData("[fe80::1]", "link-local")]
    [InlineData("[::ffff:169.254.169.254]", "link-local")]
    [InlineData("224.0.0.1", "multicast")]
    public async Task Connect_PrivateOrMetadataTarget_RefusedWithTheReason(string host, string reason)
    {
        await using var proxy = new ProxyHarness();

        var answer = await proxy.SendAsync($"CONNECT {host}:80 HTTP/1.1\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 403 ");
        answer.ShouldContain(reason);
        var decision = proxy.Decisions.ShouldHaveSingleItem();
        decision.Allowed.ShouldBeFalse();
        decision.Reason.ShouldContain(reason);
        decision.Address.ShouldNotBeNull();
    }

    [Fact]
    public async Task Get_AbsoluteUriToMetadataAddress_RefusedBeforeAnyConnection()
    {
        await using var proxy = new ProxyHarness();

        var answer = await proxy.SendAsync("GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 403 ");
        proxy.Decisions.ShouldHaveSingleItem().Method.ShouldBe("GET");
    }

    [Fact]
    public async Task Get_AllowedPrivateTarget_ForwardedInOriginFormWithoutProxyHeaders()
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(policy: new PublicInternetPolicy([EgressAllowance.TryParse($"127.0.0.1:{server.Port}", out _)!]));

        var answer = await proxy.SendAsync($"GET http://127.0.0.1:{server.Port}/path?q=1 HTTP/1.1\r\nHost: wrong.example\r\nProxy-Authorization: Basic c2VjcmV0\r\nProxy-Connection: keep-alive\r\nX-Kept: yes\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 200 OK");
        answer.ShouldEndWith(LoopbackHttpServer.Body);
        var request = server.Requests.ShouldHaveSingleItem();
        request.ShouldStartWith("GET /path?q=1 HTTP/1.1\r\n");
        request.ShouldContain($"Host: 127.0.0.1:{server.Port}\r\n");
        request.ShouldContain("X-Kept: yes\r\n");
        request.ShouldContain("Connection: close\r\n");
        request.ShouldNotContain("Proxy-", Case.Insensitive);
        request.ShouldNotContain("wrong.example");
        var decision = proxy.Decisions.ShouldHaveSingleItem();
        decision.Allowed.ShouldBeTrue();
        decision.Address.ShouldBe("127.0.0.1");
    }

    [Fact]
    public async Task Connect_AllowedPrivateTarget_TunnelsBytesBothWays()
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(policy: new PublicInternetPolicy([EgressAllowance.TryParse("127.0.0.0/8", out _)!]));

        var answer = await proxy.SendAsync($"CONNECT 127.0.0.1:{server.Port} HTTP/1.1\r\n\r\nGET /tunnelled HTTP/1.1\r\nHost: x\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK");
        answer.ShouldEndWith(LoopbackHttpServer.Body);
        server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /tunnelled HTTP/1.1");
        proxy.Decisions.ShouldHaveSingleItem().Allowed.ShouldBeTrue();
    }

    [Fact]
    public async Task Connect_AllowanceForAnotherPort_StillRefused()
    {
        using var canary = new CanaryListener();
        await using var proxy = new ProxyHarness(policy: new PublicInternetPolicy([EgressAllowance.TryParse($"127.0.0.1:{canary.Port + 1}", out _)!]));

        var answer = await proxy.SendAsync($"CONNECT 127.0.0.1:{canary.Port} HTTP/1.1\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 403 ");
        canary.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Connect_UnresolvableName_DeniedWith502()
    {
        await using var proxy = new ProxyHarness();

        var answer = await proxy.SendAsync("CONNECT no-such-host.invalid:443 HTTP/1.1\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 502 ");
        var decision = proxy.Decisions.ShouldHaveSingleItem();
        decision.Allowed.ShouldBeFalse();
        decision.Host.ShouldBe("no-such-host.invalid");
    }

    public static TheoryData<string> Malformed() => new()
    {
        "garbage\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "GET https://example.com/ HTTP/1.1\r\n\r\n",
        "GET ftp://example.com/ HTTP/1.1\r\n\r\n",
        "CONNECT example.com HTTP/1.1\r\n\r\n",
        "CONNECT example.com:0 HTTP/1.1\r\n\r\n",
        "CONNECT example.com:99999 HTTP/1.1\r\n\r\n",
        "CONNECT example.com:-1 HTTP/1.1\r\n\r\n",
        "CONNECT :443 HTTP/1.1\r\n\r\n",
        "CONNECT [::1:443 HTTP/1.1\r\n\r\n",
        "CONNECT bad_host!:443 HTTP/1.1\r\n\r\n",
        "CONNECT fe80::1%eth0:443 HTTP/1.1\r\n\r\n",
        "CONNECT example.com:443 HTTP/2.0\r\n\r\n",
        "connect example.com:443 HTTP/1.1\r\n\r\n",
        "GET  http://example.com/ HTTP/1.1\r\n\r\n",
        "GET http://user:pw@example.com/ HTTP/1.1\r\n\r\n",
        "GET http://example.com/ HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET http://example.com/ HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET http://example.com/ HTTP/1.1\nHost: x\r\n\r\n",
        "GET http://exa\u00e9mple.com/ HTTP/1.1\r\n\r\n",
        "GET http://example.com/\0 HTTP/1.1\r\n\r\n",
        "CONNECT " + new string('a', 300) + ".com:443 HTTP/1.1\r\n\r\n",
        "GET http://example.com/ HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 150).Select(i => $"X-{i}: y\r\n")) + "\r\n",
        "GET http://example.com/ HTTP/1.1\r\nHost: x",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Request_Malformed_Answered400AndProxyKeepsServing(string request)
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(policy: new PublicInternetPolicy([EgressAllowance.TryParse($"127.0.0.1:{server.Port}", out _)!]));

        var answer = await proxy.SendAsync(request);

        answer.ShouldStartWith("HTTP/1.1 400 ");
        proxy.Decisions.ShouldBeEmpty();
        (await proxy.SendAsync($"GET http://127.0.0.1:{server.Port}/ HTTP/1.1\r\n\r\n")).ShouldStartWith("HTTP/1.1 200 ");
    }

    [Fact]
    public async Task Request_HeadLargerThanTheLimit_Answered431AndProxyKeepsServing()
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(new EgressOptions { MaxHeaderBytes = 4096 }, new PublicInternetPolicy([EgressAllowance.TryParse($"127.0.0.1:{server.Port}", out _)!]));

        var answer = await proxy.SendAsync($"GET http://127.0.0.1:{server.Port}/ HTTP/1.1\r\nX-Big: {new string('x', 200_000)}\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 431 ");
        answer.ShouldContain("Sandbox:Egress:MaxHeaderBytes");
        server.Requests.ShouldBeEmpty();
        (await proxy.SendAsync($"GET http://127.0.0.1:{server.Port}/ HTTP/1.1\r\n\r\n")).ShouldStartWith("HTTP/1.1 200 ");
    }

    [Fact]
    public async Task Request_HeadNeverFinished_Answered408AfterTheTimeout()
    {
        await using var proxy = new ProxyHarness(new EgressOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var answer = await proxy.SendAsync(Encoding.ASCII.GetBytes("CONNECT example.com:443 HTTP/1.1\r\n"), closeInput: false);

        answer.ShouldStartWith("HTTP/1.1 408 ");
    }

    [Fact]
    public async Task Request_RandomBytes_NeverEndTheProxy()
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(new EgressOptions { MaxHeaderBytes = 2048 }, new PublicInternetPolicy([EgressAllowance.TryParse($"127.0.0.1:{server.Port}", out _)!]));
        var random = new Random(17);

        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(1, 6000)];
            random.NextBytes(bytes);
            var answer = await proxy.SendAsync(bytes);
            answer.ShouldMatch("^HTTP/1.1 (400|431) ");
        }

        (await proxy.SendAsync($"GET http://127.0.0.1:{server.Port}/ HTTP/1.1\r\n\r\n")).ShouldStartWith("HTTP/1.1 200 ");
    }

    [Fact]
    public async Task Connect_MoreConnectionsThanAllowed_Answered503()
    {
        await using var proxy = new ProxyHarness(new EgressOptions { MaxConnections = 1, RequestTimeout = TimeSpan.FromSeconds(20) });
        using var holder = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await holder.ConnectAsync(new UnixDomainSocketEndPoint(proxy.Proxy.SocketPath));
        await holder.SendAsync("CONNECT exam"u8.ToArray());

        string answer = "";
        await TestKit.TestDefaults.WaitUntilAsync(async () => (answer = await proxy.SendAsync("CONNECT 10.0.0.1:443 HTTP/1.1\r\n\r\n")).StartsWith("HTTP/1.1 503 ", StringComparison.Ordinal), "the second connection was answered 503");

        answer.ShouldContain("Sandbox:Egress:MaxConnections");
    }
}

using System.Net;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

/// <summary>The egress proxy with an <see cref="AllowlistPolicy"/>, names resolved by the test so their answers can change.</summary>
public sealed class AllowlistProxyTests
{
    private static AllowlistPolicy Policy(int port, params string[] rules) =>
        new([.. rules.Select(HostRule.Parse)], [EgressAllowance.TryParse($"127.0.0.1:{port}", out _)!], "setup");

    private static Func<string, CancellationToken, Task<IPAddress[]>> Resolving(Func<string, int, IPAddress[]> answer)
    {
        var calls = 0;
        return (host, _) => Task.FromResult(answer(host, Interlocked.Increment(ref calls)));
    }

    [Fact]
    public async Task Get_AllowedName_ForwardedAndRecorded()
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(policy: Policy(server.Port, $"registry.example.org:{server.Port}"), resolve: Resolving((_, _) => [IPAddress.Loopback]));

        var answer = await proxy.SendAsync($"GET http://Registry.Example.org:{server.Port}/pkg HTTP/1.1\r\nHost: x\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 200 OK");
        server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /pkg HTTP/1.1");
        var decision = proxy.Decisions.ShouldHaveSingleItem();
        (decision.Allowed, decision.Host, decision.Address).ShouldBe((true, "Registry.Example.org", "127.0.0.1"));
    }

    [Theory]
    [InlineData("CONNECT other.example.org:443 HTTP/1.1\r\n\r\n", "other.example.org:443 is not on the setup phase's allow-list; to allow it, add 'other.example.org' to network.allow")]
    [InlineData("GET http://registry.example.org.evil.com/ HTTP/1.1\r\n\r\n", "registry.example.org.evil.com:80 is not on the setup phase's allow-list")]
    [InlineData("GET http://registry.example.org:8080/ HTTP/1.1\r\n\r\n", "add 'registry.example.org:8080' to network.allow")]
    [InlineData("CONNECT 127.0.0.1:443 HTTP/1.1\r\n\r\n", "127.0.0.1 is an address, and the setup phase reaches only the hosts of its allow-list by name")]
    [InlineData("GET http://[::1]/ HTTP/1.1\r\n\r\n", "::1 is an address")]
    [InlineData("GET http://2130706433/ HTTP/1.1\r\n\r\n", "2130706433 is an address")]
    public async Task Request_HostNotOnTheList_RefusedBeforeResolvingWithHowToAllowIt(string request, string reason)
    {
        var resolved = 0;
        await using var proxy = new ProxyHarness(policy: Policy(1, "registry.example.org"), resolve: (_, _) =>
        {
            Interlocked.Increment(ref resolved);
            return Task.FromResult(new[] { IPAddress.Loopback });
        });

        var answer = await proxy.SendAsync(request);

        answer.ShouldStartWith("HTTP/1.1 403 Forbidden");
        answer.ShouldContain(reason);
        resolved.ShouldBe(0);
        var decision = proxy.Decisions.ShouldHaveSingleItem();
        decision.Allowed.ShouldBeFalse();
        decision.Reason.ShouldContain(reason);
    }

    [Fact]
    public async Task Request_AllowedNameResolvingToAPrivateAddress_Refused()
    {
        using var canary = new CanaryListener();
        await using var proxy = new ProxyHarness(policy: new AllowlistPolicy([HostRule.Parse($"internal.example.org:{canary.Port}")], [], "agent"),
            resolve: Resolving((_, _) => [IPAddress.Parse("93.184.215.14"), IPAddress.Loopback]));

        var answer = await proxy.SendAsync($"CONNECT internal.example.org:{canary.Port} HTTP/1.1\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 403 ");
        answer.ShouldContain("internal.example.org resolves to 127.0.0.1 is a loopback address");
        canary.Connections.ShouldBe(0);
        proxy.Decisions.ShouldHaveSingleItem().Address.ShouldBe("127.0.0.1");
    }

    [Fact]
    public async Task Request_NameRebindsToAPrivateAddress_EachRequestIsCheckedOnItsOwnAnswer()
    {
        using var server = new LoopbackHttpServer();
        var calls = 0;
        await using var proxy = new ProxyHarness(policy: Policy(server.Port, $"rebind.example.org:{server.Port}"), resolve: (_, _) =>
            Task.FromResult(Interlocked.Increment(ref calls) == 1 ? new[] { IPAddress.Loopback } : [IPAddress.Parse("169.254.169.254")]));

        var first = await proxy.SendAsync($"GET http://rebind.example.org:{server.Port}/one HTTP/1.1\r\n\r\n");
        var second = await proxy.SendAsync($"GET http://rebind.example.org:{server.Port}/two HTTP/1.1\r\n\r\n");

        first.ShouldStartWith("HTTP/1.1 200 OK");
        second.ShouldStartWith("HTTP/1.1 403 ");
        second.ShouldContain("rebind.example.org resolves to 169.254.169.254 is a link-local address");
        calls.ShouldBe(2, "the proxy resolves once per request and connects only to the address it checked");
        server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /one ");
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("POST", false)]
    [InlineData("DELETE", false)]
    public async Task PlainHttp_MethodLimitedHost_OnlyItsMethodsPass(string method, bool passes)
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(policy: Policy(server.Port, $"GET,HEAD docs.example.org:{server.Port}"), resolve: Resolving((_, _) => [IPAddress.Loopback]));

        var answer = await proxy.SendAsync($"{method} http://docs.example.org:{server.Port}/page HTTP/1.1\r\nContent-Length: 0\r\n\r\n");

        if (passes)
        {
            answer.ShouldStartWith("HTTP/1.1 200 OK");
            server.Requests.ShouldHaveSingleItem().ShouldStartWith($"{method} /page ");
        }
        else
        {
            answer.ShouldStartWith("HTTP/1.1 403 ");
            answer.ShouldContain($"{method} to docs.example.org:{server.Port} is not allowed in the setup phase: its allow-list lets only GET, HEAD through");
            server.Requests.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Connect_MethodLimitedHostTheProxyCannotInspect_RefusedSayingWhy()
    {
        using var canary = new CanaryListener();
        await using var proxy = new ProxyHarness(policy: Policy(canary.Port, $"GET,HEAD docs.example.org:{canary.Port}"), resolve: Resolving((_, _) => [IPAddress.Loopback]));

        var answer = await proxy.SendAsync($"CONNECT docs.example.org:{canary.Port} HTTP/1.1\r\n\r\nPOST /upload HTTP/1.1\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 403 ");
        answer.ShouldContain("is allowed only for some methods, which the proxy checks request by request");
        canary.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Connect_HostAlsoAllowedForEveryMethod_Tunnelled()
    {
        using var server = new LoopbackHttpServer();
        await using var proxy = new ProxyHarness(policy: Policy(server.Port, $"GET docs.example.org:{server.Port}", $"*.example.org:{server.Port}"), resolve: Resolving((_, _) => [IPAddress.Loopback]));

        var answer = await proxy.SendAsync($"CONNECT docs.example.org:{server.Port} HTTP/1.1\r\n\r\nGET /t HTTP/1.1\r\nHost: x\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 200 Connection established");
        server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /t ");
    }

    [Fact]
    public void Policy_InspectsRequests_OnlyForATunnelWhoseEveryMatchingRuleLimitsMethods()
    {
        var policy = new AllowlistPolicy([HostRule.Parse("GET,HEAD docs.example.org"), HostRule.Parse("*.cdn.example.org"), HostRule.Parse("GET a.cdn.example.org")], [], "verify");

        policy.InspectsRequests(new EgressTarget("docs.example.org", 443, "CONNECT")).ShouldBeTrue();
        policy.InspectsRequests(new EgressTarget("a.cdn.example.org", 443, "CONNECT")).ShouldBeFalse();
        policy.InspectsRequests(new EgressTarget("docs.example.org", 80, "GET")).ShouldBeFalse();
        policy.InspectsRequests(new EgressTarget("other.example.org", 443, "CONNECT")).ShouldBeFalse();
        policy.CheckTarget(new EgressTarget("docs.example.org", 443, "GET")).ShouldBeNull("an inspected request is checked with its own method");
        policy.CheckTarget(new EgressTarget("docs.example.org", 443, "PUT")).ShouldNotBeNull().ShouldContain("lets only GET, HEAD through");
    }

    [Theory]
    [InlineData("GET", "", "")]
    [InlineData("GET", "Content-Length: 5\r\n", "hello")]
    public async Task PlainHttp_RequestPipelinedBehindAnAllowedOne_NeverReachesTheServer(string method, string lengthHeader, string body)
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = ServeOnceAsync(listener);
        await using var proxy = new ProxyHarness(policy: Policy(port, $"GET,HEAD docs.example.org:{port}"), resolve: Resolving((_, _) => [IPAddress.Loopback]));

        var answer = await proxy.SendAsync($"{method} http://docs.example.org:{port}/a HTTP/1.1\r\n{lengthHeader}\r\n{body}POST /upload HTTP/1.1\r\nHost: docs.example.org\r\nContent-Length: 6\r\n\r\nsecret");

        answer.ShouldStartWith("HTTP/1.1 200 OK");
        var text = await received;
        text.ShouldStartWith($"{method} /a HTTP/1.1\r\n");
        text.ShouldEndWith("\r\n\r\n" + body);
        text.ShouldNotContain("POST");
        text.ShouldNotContain("secret");
    }

    [Theory]
    [InlineData("Content-Length: abc\r\n")]
    [InlineData("Content-Length: -1\r\n")]
    [InlineData("Content-Length: 1\r\nContent-Length: 2\r\n")]
    [InlineData("Content-Length: 99999999999999999999\r\n")]
    public async Task PlainHttp_ContentLengthNotOneNumber_Answered400(string lengthHeader)
    {
        await using var proxy = new ProxyHarness(policy: Policy(1, "docs.example.org"));

        var answer = await proxy.SendAsync($"POST http://docs.example.org/a HTTP/1.1\r\n{lengthHeader}\r\n");

        answer.ShouldStartWith("HTTP/1.1 400 ");
        answer.ShouldContain("Content-Length is not one whole number");
    }

    /// <summary>Reads one connection to its end, then answers 200 and returns everything it read.</summary>
    private static async Task<string> ServeOnceAsync(System.Net.Sockets.TcpListener listener)
    {
        using var timeout = new CancellationTokenSource(TestKit.TestDefaults.Timeout);
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray(), timeout.Token);
        return System.Text.Encoding.Latin1.GetString(all.ToArray());
    }
}

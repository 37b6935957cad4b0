using System.Net;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests.Interception;

public sealed class InterceptedTunnelTests
{
    [Fact]
    public async Task Connect_CredentialedHost_ServerSeesTheCredentialInsteadOfTheCommandsOwn()
    {
        await using var harness = new InterceptionHarness();

        var answer = await harness.SendAsync($"GET /a HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nauthorization: Bearer the-commands-own\r\nConnection: close\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 200 OK");
        answer.ShouldEndWith(LoopbackHttpsServer.Body);
        var request = harness.Server.Requests.ShouldHaveSingleItem();
        request.ShouldStartWith("GET /a HTTP/1.1\r\n");
        request.ShouldContain($"Authorization: Bearer {InterceptionHarness.Secret}\r\n");
        request.ShouldNotContain("the-commands-own");
        request.Split("\r\n").Count(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase)).ShouldBe(1);
    }

    [Fact]
    public async Task Connect_CredentialedHost_EveryRequestIsADecisionWithoutTheValue()
    {
        await using var harness = new InterceptionHarness();

        await harness.SendAsync($"POST /b HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");

        harness.Proxy.Decisions.Select(d => d.Method).ShouldBe(["CONNECT", "POST"]);
        harness.Proxy.Decisions.ShouldAllBe(d => d.Allowed && d.Port == harness.Server.Port);
        harness.Proxy.Decisions.ShouldAllBe(d => !d.Reason.Contains(InterceptionHarness.Secret, StringComparison.Ordinal));
        harness.Proxy.Decisions.Last().Reason.ShouldContain("Authorization");
        harness.Log.Entries.ShouldAllBe(e => !e.Message.Contains(InterceptionHarness.Secret, StringComparison.Ordinal));
        harness.Server.Requests.ShouldHaveSingleItem().ShouldEndWith("\r\n\r\nabc");
    }

    [Fact]
    public async Task Connect_KeepAlive_SecondRequestOnTheSameConnectionGetsTheCredentialToo()
    {
        await using var harness = new InterceptionHarness();
        var (socket, tls, _) = await harness.OpenAsync();
        using var _socket = socket;
        await using var _tls = tls;

        var first = await InterceptionHarness.ExchangeAsync(tls, $"GET /1 HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\n\r\n", untilClose: false);
        var second = await InterceptionHarness.ExchangeAsync(tls, $"GET /2 HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nAuthorization: Basic c211Z2dsZWQ=\r\n\r\n", untilClose: false);

        first.ShouldEndWith(LoopbackHttpsServer.Body);
        second.ShouldEndWith(LoopbackHttpsServer.Body);
        harness.Server.Requests.Count.ShouldBe(2);
        harness.Server.Requests.ShouldAllBe(r => r.Contains($"Authorization: Bearer {InterceptionHarness.Secret}\r\n", StringComparison.Ordinal) && !r.Contains("c21", StringComparison.Ordinal));
        harness.Server.Connections.ShouldBe(1);
    }

    [Fact]
    public async Task Connect_ChunkedBody_ForwardedWhole()
    {
        await using var harness = new InterceptionHarness();

        var answer = await harness.SendAsync($"PUT /c HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 200 OK");
        harness.Server.Requests.ShouldHaveSingleItem().ShouldEndWith("\r\n\r\nhello world");
    }

    [Fact]
    public async Task Connect_ExpectContinue_AnsweredByTheProxyAndTheBodyForwarded()
    {
        await using var harness = new InterceptionHarness();

        var answer = await harness.SendAsync($"POST /d HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");

        answer.ShouldStartWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK");
        var request = harness.Server.Requests.ShouldHaveSingleItem();
        request.ShouldNotContain("Expect:");
        request.ShouldEndWith("\r\n\r\nok");
    }

    [Theory]
    [InlineData("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("Content-Length: 4\r\nContent-Length: 4\r\n", "more than one Content-Length")]
    [InlineData("Content-Length: 4\r\nContent-Length: 40\r\n", "more than one Content-Length")]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n", "exactly 'chunked'")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "exactly 'chunked'")]
    [InlineData("Transfer-Encoding : chunked\r\n", "not 'Name: value'")]
    [InlineData("Content-Length: +4\r\n", "not a number")]
    [InlineData("X-Folded: a\r\n b\r\n", "folded")]
    [InlineData("X-Null: a\0b\r\n", "control byte")]
    public async Task Connect_AmbiguousOrMalformedRequest_RefusedWith400AndNothingForwarded(string headers, string reason)
    {
        await using var harness = new InterceptionHarness();

        var answer = await harness.SendAsync($"POST /e HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\n{headers}\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 400 ");
        answer.ShouldContain(reason);
        harness.Server.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("5\r\nhello\r\nX\r\n", "hexadecimal")]
    [InlineData("5\r\nhelloXX0\r\n\r\n", "not followed by CRLF")]
    [InlineData("5\nhello\r\n0\r\n\r\n", "CRLF")]
    public async Task Connect_BrokenChunkedBody_RefusedWith400(string body, string reason)
    {
        await using var harness = new InterceptionHarness();

        var answer = await harness.SendAsync($"POST /f HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nTransfer-Encoding: chunked\r\n\r\n{body}");

        answer.ShouldContain("HTTP/1.1 400 ");
        answer.ShouldContain(reason);
    }

    [Fact]
    public async Task Connect_HugeRequestHead_RefusedWith431()
    {
        await using var harness = new InterceptionHarness(options: new EgressOptions { MaxHeaderBytes = 2048 });

        var answer = await harness.SendAsync($"GET / HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nX-Big: {new string('a', 10_000)}\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 431 ");
        harness.Server.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Host: elsewhere.example\r\n", "names elsewhere.example")]
    [InlineData("", "exactly one Host")]
    public async Task Connect_HostHeaderNotTheTunnelsHost_RefusedWith400(string host, string reason)
    {
        await using var harness = new InterceptionHarness();

        var answer = await harness.SendAsync($"GET / HTTP/1.1\r\n{host}\r\n");

        answer.ShouldStartWith("HTTP/1.1 400 ");
        answer.ShouldContain(reason);
        harness.Server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Connect_AbsoluteFormToAnotherHost_RefusedWith400()
    {
        await using var harness = new InterceptionHarness();

        var answer = await harness.SendAsync($"GET https://other.example/ HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 400 ");
        harness.Server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Connect_InspectedHostRefusingTheMethod_403WithADeniedDecision()
    {
        var policy = new MethodPolicy("GET", "HEAD");
        await using var harness = new InterceptionHarness(credential: false, policy: policy);
        var (socket, tls, _) = await harness.OpenAsync();
        using var _socket = socket;
        await using var _tls = tls;

        var allowed = await InterceptionHarness.ExchangeAsync(tls, $"GET /ok HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\n\r\n", untilClose: false);
        var refused = await InterceptionHarness.ExchangeAsync(tls, $"DELETE /no HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\n\r\n", untilClose: true);

        allowed.ShouldStartWith("HTTP/1.1 200 OK");
        refused.ShouldStartWith("HTTP/1.1 403 ");
        refused.ShouldContain("only GET, HEAD");
        harness.Server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /ok ");
        var denied = harness.Proxy.Decisions.Where(d => !d.Allowed).ShouldHaveSingleItem();
        denied.Method.ShouldBe("DELETE");
        harness.Proxy.Decisions.Select(d => d.Method).ShouldBe(["CONNECT", "GET", "DELETE"]);
        harness.Server.Requests.ShouldAllBe(r => !r.Contains("Authorization", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Connect_InspectingPolicyWithoutAnAuthority_RefusedRatherThanRelayedBlind()
    {
        using var server = new LoopbackHttpsServer();
        await using var proxy = new ProxyHarness(policy: new MethodPolicy("GET"));

        var answer = await proxy.SendAsync($"CONNECT localhost:{server.Port} HTTP/1.1\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 403 ");
        answer.ShouldContain("no certificate authority");
        server.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Connect_HostWithoutCredential_TunnelledUntouchedWithTheUpstreamsOwnCertificate()
    {
        await using var harness = new InterceptionHarness(credential: false);
        using var upstreamRoot = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(harness.Server.CaFile);

        var (socket, tls, seen) = await harness.OpenAsync(root: upstreamRoot);
        using var _socket = socket;
        await using var _tls = tls;
        var answer = await InterceptionHarness.ExchangeAsync(tls, $"GET / HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\nAuthorization: Bearer the-commands-own\r\nConnection: close\r\n\r\n", untilClose: true);

        seen.Thumbprint.ShouldBe(harness.Server.Thumbprint);
        answer.ShouldEndWith(LoopbackHttpsServer.Body);
        harness.Server.Requests.ShouldHaveSingleItem().ShouldContain("Authorization: Bearer the-commands-own");
        harness.Proxy.Decisions.ShouldHaveSingleItem().Method.ShouldBe("CONNECT");
    }

    [Fact]
    public async Task Connect_CredentialedHost_ShowsALeafFromTheEgressCaForTheHost()
    {
        await using var harness = new InterceptionHarness();

        var (socket, tls, seen) = await harness.OpenAsync();
        using var _socket = socket;
        await using var _tls = tls;

        seen.Thumbprint.ShouldNotBe(harness.Server.Thumbprint);
        seen.Issuer.ShouldBe(harness.Authority.Certificate.Subject);
        seen.MatchesHostname("localhost").ShouldBeTrue();
        tls.NegotiatedApplicationProtocol.ToString().ShouldBeOneOf("", "http/1.1");
    }

    [Fact]
    public async Task Connect_UpstreamCertificateUntrusted_502NamingTheProblemAndNoCredentialSent()
    {
        await using var harness = new InterceptionHarness(trustUpstream: false);

        var answer = await harness.SendAsync($"GET / HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 502 ");
        answer.ShouldContain("not trusted");
        answer.ShouldContain("Sandbox:Egress:UpstreamCaFile");
        harness.Server.Requests.ShouldBeEmpty();
        harness.Proxy.Decisions.Last().Reason.ShouldContain("TLS connection to localhost failed");
    }

    [Fact]
    public async Task Connect_UpstreamCertificateForAnotherName_502AndNoCredentialSent()
    {
        await using var harness = new InterceptionHarness(certificateName: "other.example");

        var answer = await harness.SendAsync($"GET / HTTP/1.1\r\nHost: localhost:{harness.Server.Port}\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 502 ");
        answer.ShouldContain("not for its name");
        harness.Server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_PlainHttpToCredentialedHost_HeaderReplacedInTheForwardedHead()
    {
        using var server = new LoopbackHttpServer();
        using var ca = new TempFolder("nightshift-egress-ca-test-");
        using var authority = Network.Interception.EgressCertificateAuthority.LoadOrCreate(ca.Path, "test");
        var credential = new EgressCredential("127.0.0.1", server.Port, "X-Api-Key", InterceptionHarness.Secret);
        await using var proxy = new ProxyHarness(policy: new PublicInternetPolicy([EgressAllowance.TryParse($"127.0.0.1:{server.Port}", out _)!]),
            interception: new Network.Interception.EgressInterception(authority, Network.Interception.UpstreamTrust.System, [credential]));

        var answer = await proxy.SendAsync($"GET http://127.0.0.1:{server.Port}/p HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: mine\r\nX-Kept: yes\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 200 OK");
        var request = server.Requests.ShouldHaveSingleItem();
        request.ShouldContain($"X-Api-Key: {InterceptionHarness.Secret}\r\n");
        request.ShouldContain("X-Kept: yes\r\n");
        request.ShouldNotContain("mine");
        request.ShouldEndWith("\r\n\r\n");
    }

    /// <summary>An allow-list stand-in: looks inside every tunnel and allows only the given methods.</summary>
    private sealed class MethodPolicy(params string[] methods) : IEgressPolicy
    {
        private readonly PublicInternetPolicy _addresses = new([EgressAllowance.TryParse("127.0.0.0/8", out _)!, EgressAllowance.TryParse("::1", out _)!]);

        public string? CheckTarget(EgressTarget target) =>
            target.Method == "CONNECT" || methods.Contains(target.Method) ? null : $"only {string.Join(", ", methods)} may be sent to {target.Host}";

        public string? CheckAddress(EgressTarget target, IPAddress address) => _addresses.CheckAddress(target, address);

        public bool InspectsRequests(EgressTarget target) => true;
    }
}

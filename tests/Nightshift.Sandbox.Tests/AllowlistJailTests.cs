using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

/// <summary>Real bubblewrap jails at <see cref="NetworkPolicy.Allowlist"/>, their proxy reaching a loopback server by the name localhost.</summary>
public sealed class AllowlistJailTests : IDisposable
{
    private readonly TempFolder _state = new("nightshift-sandbox-state-");
    private readonly TempFolder _worktree = new();

    [Fact]
    public async Task RunAsync_Allowlist_AllowedHostReachedOthersRefusedAndNothingDirect()
    {
        using var server = new LoopbackHttpServer();
        using var canary = new CanaryListener();
        var allowPrivate = new[] { $"127.0.0.1:{server.Port}", $"[::1]:{server.Port}", $"127.0.0.1:{canary.Port}" };
        using var sandbox = Create(allowPrivate);
        var decisions = new ConcurrentQueue<NetworkDecision>();
        var script = $$"""
            (exec 3<>/dev/tcp/127.0.0.1/{{canary.Port}}) 2>/dev/null && echo "reached:devtcp"
            curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:{{canary.Port}}/ >/dev/null 2>&1 && echo "reached:direct"
            echo "allowed:$(curl -sS --max-time 10 --noproxy '' http://localhost:{{server.Port}}/pkg)"
            echo "denied:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' http://denied.example.com/)"
            echo "canary-by-name:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' http://localhost:{{canary.Port}}/)"
            echo "address:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' http://127.0.0.1:{{server.Port}}/)"
            true
            """;

        var result = await sandbox.RunAsync(CommandSpec.Shell(script) with
        {
            WorktreePath = _worktree.Path,
            Network = NetworkPolicy.Allowlist,
            EgressPolicy = new AllowlistPolicy([HostRule.Parse($"localhost:{server.Port}")], [.. allowPrivate.Select(a => EgressAllowance.TryParse(a, out _)!)], "setup"),
            OnNetwork = decisions.Enqueue,
            Timeout = TimeSpan.FromSeconds(40),
        });

        result.Stdout.ShouldNotContain("reached:");
        result.Stdout.ShouldContain($"allowed:{LoopbackHttpServer.Body}", customMessage: result.Stdout + result.Stderr);
        result.Stdout.ShouldContain("denied:403");
        result.Stdout.ShouldContain("canary-by-name:403");
        result.Stdout.ShouldContain("address:403");
        canary.Connections.ShouldBe(0);
        server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /pkg ");
        decisions.Where(d => d.Allowed).ShouldHaveSingleItem().Host.ShouldBe("localhost");
        var denied = decisions.Where(d => !d.Allowed).ToList();
        denied.Select(d => d.Host).ShouldBe(["denied.example.com", "localhost", "127.0.0.1"]);
        denied[0].Reason.ShouldContain("not on the setup phase's allow-list; to allow it, add 'denied.example.com' to network.allow");
    }

    [Fact]
    public async Task RunAsync_AllowedNameBehindAPrivateAddressNotAllowedByTheOperator_Refused()
    {
        using var canary = new CanaryListener();
        using var sandbox = Create([]);
        var decisions = new ConcurrentQueue<NetworkDecision>();

        var result = await sandbox.RunAsync(CommandSpec.Shell($"curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{{http_code}}' http://localhost:{canary.Port}/") with
        {
            WorktreePath = _worktree.Path,
            Network = NetworkPolicy.Allowlist,
            EgressPolicy = new AllowlistPolicy([HostRule.Parse($"localhost:{canary.Port}")], [], "agent"),
            OnNetwork = decisions.Enqueue,
            Timeout = TimeSpan.FromSeconds(30),
        });

        result.Stdout.ShouldBe("403", result.Stderr);
        canary.Connections.ShouldBe(0);
        var decision = decisions.ShouldHaveSingleItem();
        decision.Allowed.ShouldBeFalse();
        decision.Reason.ShouldContain("localhost resolves to");
        decision.Reason.ShouldContain("Sandbox:Egress:AllowPrivate");
    }

    [Fact]
    public async Task RunAsync_MethodLimitedHost_PostRefusedGetPassesOverPlainHttp()
    {
        using var server = new LoopbackHttpServer();
        string[] allowPrivate = [$"127.0.0.1:{server.Port}", $"[::1]:{server.Port}"];
        using var sandbox = Create(allowPrivate);

        var result = await sandbox.RunAsync(CommandSpec.Shell($$"""
            echo "get:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' http://localhost:{{server.Port}}/doc)"
            echo "post:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' -X POST -d leak=1 http://localhost:{{server.Port}}/upload)"
            echo "tunnel:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' -p http://localhost:{{server.Port}}/tunnel 2>/dev/null)"
            true
            """) with
        {
            WorktreePath = _worktree.Path,
            Network = NetworkPolicy.Allowlist,
            EgressPolicy = new AllowlistPolicy([HostRule.Parse($"GET,HEAD localhost:{server.Port}")], [.. allowPrivate.Select(a => EgressAllowance.TryParse(a, out _)!)], "verify"),
            Timeout = TimeSpan.FromSeconds(40),
        });

        result.Stdout.ShouldContain("get:200", customMessage: result.Stdout + result.Stderr);
        result.Stdout.ShouldContain("post:403");
        result.Stdout.ShouldNotContain("tunnel:200");
        // The tunnel to a method-limited host is intercepted: the proxy speaks TLS to the host, which this plain server
        // records as a connection with no request in it. No request but the GET reached it.
        server.Requests.Where(r => r.Length > 0).ShouldHaveSingleItem().ShouldStartWith("GET /doc ");
    }

    [Fact]
    public async Task RunAsync_NetworkedJail_ToolsFindTheProxyInTheirOwnConfiguration()
    {
        using var sandbox = Create([]);
        var script = """
            cat ~/.npmrc ~/.config/pip/pip.conf
            git config --global --get http.proxy
            grep -o 'http_proxy" value="[^"]*' ~/.nuget/NuGet/NuGet.Config
            """;

        var networked = await sandbox.RunAsync(CommandSpec.Shell(script) with
        {
            WorktreePath = _worktree.Path,
            Network = NetworkPolicy.Allowlist,
            EgressPolicy = new AllowlistPolicy([HostRule.Parse("registry.example.org")], [], "setup"),
            Timeout = TimeSpan.FromSeconds(30),
        });
        var offline = await sandbox.RunAsync(CommandSpec.Shell("ls -A ~; test -e ~/.npmrc || echo no-npmrc") with { WorktreePath = _worktree.Path, Timeout = TimeSpan.FromSeconds(30) });

        var url = $"http://127.0.0.1:{SandboxPaths.ProxyPort}";
        networked.ExitCode.ShouldBe(0, networked.Stderr);
        networked.Stdout.ShouldBe($"proxy={url}/\nhttps-proxy={url}/\n[global]\nproxy = {url}\n{url}\nhttp_proxy\" value=\"{url}\n");
        offline.Stdout.ShouldContain("no-npmrc");
    }

    private BubblewrapSandbox Create(string[] allowPrivate) =>
        new(Microsoft.Extensions.Options.Options.Create(new SandboxOptions { StateDirectory = _state.Path, Egress = new EgressOptions { AllowPrivate = allowPrivate } }), NullLogger<BubblewrapSandbox>.Instance);

    public void Dispose()
    {
        _state.Dispose();
        _worktree.Dispose();
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

/// <summary>Networked jails against sandboxes configured for the case at hand.</summary>
public sealed class EgressJailTests : IDisposable
{
    private readonly TempFolder _state = new("nightshift-sandbox-state-");
    private readonly TempFolder _worktree = new();

    [Fact]
    public async Task RunAsync_AllowedPrivateTarget_ReachedThroughTheProxyButNotDirectly()
    {
        using var server = new LoopbackHttpServer();
        using var sandbox = Create(new SandboxOptions { StateDirectory = _state.Path, Egress = new EgressOptions { AllowPrivate = [$"127.0.0.1:{server.Port}"] } });
        var decisions = new System.Collections.Concurrent.ConcurrentQueue<NetworkDecision>();
        var script = $"""
            (exec 3<>/dev/tcp/127.0.0.1/{server.Port}) 2>/dev/null && echo "reached:direct"
            curl -sS --max-time 10 --noproxy '' http://127.0.0.1:{server.Port}/plain; echo
            curl -sS --max-time 10 --noproxy '' -p http://127.0.0.1:{server.Port}/tunnel; echo
            """;

        var result = await sandbox.RunAsync(CommandSpec.Shell(script) with
        {
            WorktreePath = _worktree.Path,
            Network = NetworkPolicy.On,
            OnNetwork = decisions.Enqueue,
            Timeout = TimeSpan.FromSeconds(30),
        });

        result.Stdout.ShouldBe($"{LoopbackHttpServer.Body}\n{LoopbackHttpServer.Body}\n", result.Stderr);
        server.Requests.Count.ShouldBe(2);
        server.Requests.ShouldContain(r => r.StartsWith("GET /plain HTTP/1.1", StringComparison.Ordinal));
        server.Requests.ShouldContain(r => r.StartsWith("GET /tunnel HTTP/1.1", StringComparison.Ordinal));
        decisions.Count.ShouldBe(2);
        decisions.ShouldAllBe(d => d.Allowed && d.Host == "127.0.0.1" && d.Port == server.Port && d.Address == "127.0.0.1");
        decisions.Select(d => d.Method).Order().ShouldBe(["CONNECT", "GET"]);
    }

    [Fact]
    public async Task RunAsync_NetworkOnWithReadyJails_RunsInAJailOfItsOwnAndLeavesNoProxyBehind()
    {
        using var canary = new CanaryListener();
        using var sandbox = Create(new SandboxOptions { StateDirectory = _state.Path, ReadyJails = 4 });
        // The fourth field of a mount's line is its source's path on the host: the proxy's private folder.
        var spec = CommandSpec.Shell($"(exec 3<>/dev/tcp/127.0.0.1/{canary.Port}) 2>/dev/null && echo reached; echo $HTTP_PROXY; grep ' {SandboxPaths.ProxyFolder} ' /proc/self/mountinfo | cut -d' ' -f4") with
        {
            WorktreePath = _worktree.Path,
            Network = NetworkPolicy.On,
            Timeout = TimeSpan.FromSeconds(20),
        };

        var first = await sandbox.RunAsync(spec);
        await sandbox.ReadyJailsSettledAsync();
        var second = await sandbox.RunAsync(spec);

        var firstLines = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var secondLines = second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        firstLines.Length.ShouldBe(2, first.Stdout + first.Stderr);
        firstLines[0].ShouldBe($"http://127.0.0.1:{SandboxPaths.ProxyPort}");
        secondLines.Length.ShouldBe(2, second.Stdout + second.Stderr);
        secondLines[0].ShouldBe(firstLines[0]);
        secondLines[1].ShouldNotBe(firstLines[1], "each networked command gets a proxy of its own");
        sandbox.ReadyJailsUsed.ShouldBe(0);
        sandbox.ReadyJailsWaiting.ShouldBe(0);
        canary.Connections.ShouldBe(0);
        Directory.Exists(firstLines[1]).ShouldBeFalse("the proxy's folder is removed when its command ends");
        Directory.Exists(secondLines[1]).ShouldBeFalse("the proxy's folder is removed when its command ends");
        firstLines[1].ShouldStartWith(Path.GetTempPath().TrimEnd('/') + "/nightshift-egress-");
    }

    [Fact]
    public async Task RunAsync_RequireCgroupLimitsWithoutCgroups_RefusesNamingTheSetting()
    {
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = _state.Path, RequireCgroupLimits = true, AllowUnsandboxed = true });

        var error = await Should.ThrowAsync<SandboxUnavailableException>(() => sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = _worktree.Path }));

        error.Message.ShouldContain("Sandbox:RequireCgroupLimits");
        sandbox.CgroupLimitsInForce.ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_RequireCgroupLimits_RunsExactlyWhenCgroupsEnforceTheLimits()
    {
        using var sandbox = Create(new SandboxOptions { StateDirectory = _state.Path, RequireCgroupLimits = true });
        var spec = CommandSpec.Exec("true") with { WorktreePath = _worktree.Path, Timeout = TimeSpan.FromSeconds(20) };

        if (sandbox.CgroupLimitsInForce)
        {
            (await sandbox.RunAsync(spec)).ExitCode.ShouldBe(0);
            sandbox.LimitsInForce.ShouldContain("memory and processes per jail");
        }
        else
        {
            (await Should.ThrowAsync<SandboxUnavailableException>(() => sandbox.RunAsync(spec))).Message.ShouldContain("Sandbox:RequireCgroupLimits");
        }
    }

    [Fact]
    public void LimitsInForce_NoWritableCgroup_SaysRlimitsOnlyAndNamesTheSetting()
    {
        var description = BubblewrapSandbox.DescribeLimits(Internal.CgroupSupport.None);

        description.ShouldContain("rlimits only");
        description.ShouldContain("memory is NOT limited");
        description.ShouldContain("Sandbox:RequireCgroupLimits");
    }

    [Fact]
    public void LimitsInForce_UnsandboxedDevelopmentSwitch_SaysNoneAreEnforced()
    {
        using var sandbox = Jail.Create(new SandboxOptions { StateDirectory = _state.Path, AllowUnsandboxed = true });

        sandbox.LimitsInForce.ShouldStartWith("NONE");
    }

    private static BubblewrapSandbox Create(SandboxOptions options) =>
        new(Microsoft.Extensions.Options.Options.Create(options), NullLogger<BubblewrapSandbox>.Instance);

    public void Dispose()
    {
        _worktree.Dispose();
        _state.Dispose();
    }
}

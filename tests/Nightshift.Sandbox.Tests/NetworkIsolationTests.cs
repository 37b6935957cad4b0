using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract class NetworkIsolationTests(Jail jail)
{
    [Fact]
    public async Task RunAsync_NetworkOff_EveryEgressRouteFailsAndCanaryHearsNothing()
    {
        using var canary = new CanaryListener();
        using var worktree = new TempFolder();
        var script = $"""
            curl -sS --max-time 2 http://example.com/ >/dev/null 2>&1 && echo "reached:name"
            curl -sS --max-time 2 http://93.184.215.14/ >/dev/null 2>&1 && echo "reached:ip"
            curl -sS --max-time 2 http://127.0.0.1:{canary.Port}/ >/dev/null 2>&1 && echo "reached:canary-curl"
            getent hosts example.com && echo "reached:dns"
            (exec 3<>/dev/tcp/127.0.0.1/{canary.Port}) 2>/dev/null && echo "reached:canary-devtcp"
            ip -o link 2>/dev/null | grep -v ' lo:' | grep -q . && echo "reached:interface"
            echo done
            """;

        var result = await jail.ShellAsync(worktree, script);

        result.Stdout.ShouldNotContain("reached:");
        result.Stdout.ShouldEndWith("done\n");
        canary.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_NetworkOn_SharesHostNetworkSoLoopbackCanaryIsReached()
    {
        using var canary = new CanaryListener();
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, $"exec 3<>/dev/tcp/127.0.0.1/{canary.Port} && echo connected",
            s => s with { Network = NetworkPolicy.On });

        result.Stdout.ShouldBe("connected\n", result.Stderr);
        await TestKit.TestDefaults.WaitUntilAsync(() => canary.Connections == 1, "the canary counted the jail's connection");
    }
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class NetworkIsolationTestsInNewJails(Jail jail) : NetworkIsolationTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class NetworkIsolationTestsInReadyJails(ReadyJailFixture jail) : NetworkIsolationTests(jail), IClassFixture<ReadyJailFixture>;

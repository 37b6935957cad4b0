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
    public async Task RunAsync_NetworkOn_HostLoopbackUnreachableDirectlyAndThroughTheProxy()
    {
        using var canary = new CanaryListener();
        using var worktree = new TempFolder();
        var decisions = new System.Collections.Concurrent.ConcurrentQueue<Network.NetworkDecision>();
        var script = $$"""
            (exec 3<>/dev/tcp/127.0.0.1/{{canary.Port}}) 2>/dev/null && echo "reached:canary-devtcp"
            curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:{{canary.Port}}/ >/dev/null 2>&1 && echo "reached:canary-direct"
            curl -sS --max-time 5 --noproxy '' -o /dev/null -w '%{http_code}\n' http://127.0.0.1:{{canary.Port}}/
            curl -sS --max-time 5 --noproxy '' -o /dev/null -w '%{http_code}\n' http://localhost:{{canary.Port}}/
            curl -sS --max-time 5 --noproxy '' -p -o /dev/null http://127.0.0.1:{{canary.Port}}/ 2>&1 | grep -o 'CONNECT tunnel failed, response 403'
            curl -sS --max-time 5 --noproxy '' -o /dev/null -w '%{http_code}\n' http://169.254.169.254/latest/meta-data/
            ip -o link 2>/dev/null | grep -v ' lo:' | grep -q . && echo "reached:interface"
            echo done
            """;

        var result = await jail.ShellAsync(worktree, script, s => s with { Network = NetworkPolicy.On, OnNetwork = decisions.Enqueue });

        result.Stdout.ShouldNotContain("reached:");
        result.Stdout.ShouldBe("403\n403\nCONNECT tunnel failed, response 403\n403\ndone\n", result.Stderr);
        canary.Connections.ShouldBe(0);
        decisions.Count.ShouldBe(4);
        decisions.ShouldAllBe(d => !d.Allowed);
        decisions.Select(d => d.Host).ShouldBe(["127.0.0.1", "localhost", "127.0.0.1", "169.254.169.254"]);
    }

    [Fact]
    public async Task RunAsync_NetworkOn_ProxyVariablesPointAtTheBridge()
    {
        using var worktree = new TempFolder();

        var result = await jail.RunAsync(CommandSpec.Exec("env") with { WorktreePath = worktree.Path, Network = NetworkPolicy.On, Timeout = TimeSpan.FromSeconds(20) });

        var environment = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy" })
        {
            environment.ShouldContain($"{name}=http://127.0.0.1:{SandboxPaths.ProxyPort}");
        }
        environment.ShouldContain("NO_PROXY=localhost,127.0.0.1");
        environment.ShouldContain("no_proxy=localhost,127.0.0.1");
        environment.ShouldNotContain(e => e.StartsWith("SHLVL=", StringComparison.Ordinal) || e.StartsWith("_=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_NetworkOnMissingProgram_ReportsCommandNotFound()
    {
        using var worktree = new TempFolder();

        var result = await jail.RunAsync(CommandSpec.Exec("no-such-program-here") with { WorktreePath = worktree.Path, Network = NetworkPolicy.On, Timeout = TimeSpan.FromSeconds(20) });

        result.ExitCode.ShouldBe(127);
        result.Stderr.ShouldBe("no-such-program-here: command not found\n");
    }

    [Fact]
    public async Task RunAsync_AnyPolicy_MountInfoDoesNotNameTheStateFolder()
    {
        using var worktree = new TempFolder();

        var off = await jail.ShellAsync(worktree, "cat /proc/self/mountinfo");
        var on = await jail.ShellAsync(worktree, "cat /proc/self/mountinfo", s => s with { Network = NetworkPolicy.On });

        foreach (var result in new[] { off, on })
        {
            result.ExitCode.ShouldBe(0, result.Stderr);
            result.Stdout.ShouldContain(" /etc/passwd ");
            result.Stdout.ShouldNotContain(jail.Options.StateDirectory!);
        }
        on.Stdout.ShouldContain(" " + SandboxPaths.ProxyFolder + " ");
    }

}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class NetworkIsolationTestsInNewJails(Jail jail) : NetworkIsolationTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class NetworkIsolationTestsInReadyJails(ReadyJailFixture jail) : NetworkIsolationTests(jail), IClassFixture<ReadyJailFixture>;

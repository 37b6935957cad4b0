using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Core.Teams;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Agent.Tests.Execution;

public sealed class NetworkExecutionTests
{
    private static ScriptedChatClient FixingModel() => new ScriptedChatClient()
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
        .ThenToolCall("finish", new { summary = "Fix add()" });

    [Fact]
    public async Task ExecuteAsync_HostileSetupReachingForHostLoopback_CanaryHearsNothingAndDenialsAreEvents()
    {
        using var canary = new CanaryListener();
        using var harness = new ExecutorHarness(FixingModel());
        harness.Repo.Commit("hostile setup",
            ("probe.sh", $$"""
                (exec 3<>/dev/tcp/127.0.0.1/{{canary.Port}}) 2>/dev/null && echo "reached:devtcp"
                curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:{{canary.Port}}/ >/dev/null 2>&1 && echo "reached:direct"
                echo "proxied:$(curl -sS --max-time 5 --noproxy '' -o /dev/null -w '%{http_code}' http://127.0.0.1:{{canary.Port}}/)"
                echo "metadata:$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' http://169.254.169.254/latest/meta-data/)"
                true

                """),
            (".nightshift.yml", "setup: bash probe.sh\ntest: node --test\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        canary.Connections.ShouldBe(0);
        var setupOutput = string.Join('\n', run.All("command.output")
            .Where(e => e.GetProperty("purpose").GetString() == "setup")
            .SelectMany(e => e.GetProperty("lines").EnumerateArray().Select(l => l.GetString())));
        setupOutput.ShouldNotContain("reached:");
        setupOutput.ShouldContain("proxied:403");
        setupOutput.ShouldContain("metadata:403");
        var denied = run.All("network.denied");
        denied.Count.ShouldBe(2);
        denied.ShouldAllBe(e => e.GetProperty("phase").GetString() == "setup" && e.GetProperty("command").GetString() == "bash probe.sh");
        denied.Select(e => e.GetProperty("host").GetString()).ShouldBe(["127.0.0.1", "169.254.169.254"]);
        denied[0].GetProperty("port").GetInt32().ShouldBe(canary.Port);
        denied[1].GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("link-local");
        run.Types.ShouldNotContain("network.allowed");
        run.Types.ShouldNotContain("network.capped");
    }

    [Fact]
    public async Task ExecuteAsync_AllowedPrivateTarget_SetupReachesItThroughTheProxyAndItIsRecorded()
    {
        using var server = new LoopbackHttpServer();
        using var harness = new ExecutorHarness(FixingModel(), s => s["Sandbox:Egress:AllowPrivate:0"] = $"127.0.0.1:{server.Port}");
        harness.Repo.Commit("setup that downloads",
            (".nightshift.yml", $"setup: curl -sS --max-time 10 --noproxy '' -o /dev/null http://127.0.0.1:{server.Port}/package.tgz\ntest: node --test\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /package.tgz HTTP/1.1");
        var allowed = run.All("network.allowed").ShouldHaveSingleItem();
        allowed.GetProperty("phase").GetString().ShouldBe("setup");
        allowed.GetProperty("address").GetString().ShouldBe("127.0.0.1");
        allowed.GetProperty("method").GetString().ShouldBe("GET");
    }

    [Fact]
    public async Task ExecuteAsync_RepositoryAsksForMoreThanTheCeiling_GetsTheCeilingAndAnEventSaysSo()
    {
        using var server = new LoopbackHttpServer();
        using var harness = new ExecutorHarness(FixingModel(), s => s["Sandbox:Egress:AllowPrivate:0"] = $"127.0.0.1:{server.Port}");
        harness.Repo.Commit("greedy config",
            ("probe.test.mjs", $$"""
                import test from 'node:test';
                import { execSync } from 'node:child_process';
                test('verification has no network', () => {
                  const code = execSync("curl -s --noproxy '' -o /dev/null -w '%{http_code}' http://127.0.0.1:{{server.Port}}/ || true").toString();
                  if (code === '200') throw new Error('verification reached the network');
                });

                """),
            (".nightshift.yml", "test: node --test\nnetwork: on\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        var capped = run.Last("network.capped");
        capped.GetProperty("phases").EnumerateArray().Select(p => p.GetString()).ShouldBe(["agent", "verify"]);
        capped.GetProperty("message").GetString().ShouldNotBeNull().ShouldContain("Sandbox:Network");
        server.Requests.ShouldBeEmpty();
        run.Types.ShouldNotContain("network.allowed");
    }

    [Fact]
    public async Task ExecuteAsync_AllowlistSetupAskingForMoreHosts_ReachesTheCoveredOneOnlyAndTheCapIsAnEvent()
    {
        using var server = new LoopbackHttpServer();
        using var harness = new ExecutorHarness(FixingModel(), s =>
        {
            s["Sandbox:Network:Setup"] = "Allowlist";
            s["Sandbox:Network:Allow:0"] = $"localhost:{server.Port}";
            s["Sandbox:Network:Allow:1"] = "*.example.org";
            s["Sandbox:Egress:AllowPrivate:0"] = $"127.0.0.1:{server.Port}";
            s["Sandbox:Egress:AllowPrivate:1"] = $"[::1]:{server.Port}";
        });
        harness.Repo.Commit("allow-listed setup",
            ("fetch.sh", $$"""
                echo "allowed:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' http://localhost:{{server.Port}}/package.tgz)"
                echo "denied:$(curl -sS --max-time 10 --noproxy '' -o /dev/null -w '%{http_code}' http://evil.example.com/)"
                true

                """),
            (".nightshift.yml", $$"""
                setup: bash fetch.sh
                test: node --test
                network:
                  setup: allowlist
                  allow: ["localhost:{{server.Port}}", "evil.example.com"]

                """));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        server.Requests.ShouldHaveSingleItem().ShouldStartWith("GET /package.tgz ");
        var capped = run.Last("network.capped");
        capped.GetProperty("phases").EnumerateArray().Select(p => p.GetString()).ShouldBe(["setup"]);
        var cap = capped.GetProperty("caps").EnumerateArray().ShouldHaveSingleItem();
        cap.GetProperty("asked").GetString().ShouldBe("allowlist");
        cap.GetProperty("got").GetString().ShouldBe("allowlist");
        cap.GetProperty("refusedHosts").EnumerateArray().Select(h => h.GetString()).ShouldBe(["evil.example.com"]);
        run.All("network.allowed").ShouldHaveSingleItem().GetProperty("host").GetString().ShouldBe("localhost");
        var denied = run.All("network.denied").ShouldHaveSingleItem();
        denied.GetProperty("phase").GetString().ShouldBe("setup");
        denied.GetProperty("host").GetString().ShouldBe("evil.example.com");
        denied.GetProperty("reason").GetString().ShouldNotBeNull().ShouldContain("not on the setup phase's allow-list");
    }

    [Theory]
    [InlineData("organisation")]
    [InlineData("repository")]
    public async Task ExecuteAsync_OperatorLevelTurnsSetupOff_SetupReachesNothingAndTheCapNamesSetup(string level)
    {
        using var server = new LoopbackHttpServer();
        using var harness = new ExecutorHarness(FixingModel(), s =>
        {
            s["Sandbox:Egress:AllowPrivate:0"] = $"127.0.0.1:{server.Port}";
            if (level == "organisation")
            {
                s[$"Sandbox:Network:Organisations:{OrgIds.Default}:Setup"] = "Off";
            }
            else
            {
                s["Sandbox:Network:Repositories:0:Repo"] = s["Repositories:AllowedRoots:0"] + "/*";
                s["Sandbox:Network:Repositories:0:Setup"] = "Off";
            }
        });
        harness.Repo.Commit("setup that downloads",
            (".nightshift.yml", $"setup: curl -sS --max-time 5 --noproxy '' -o /dev/null http://127.0.0.1:{server.Port}/package.tgz || echo unreachable\ntest: node --test\nnetwork: setup\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        server.Requests.ShouldBeEmpty();
        run.Types.ShouldNotContain("network.allowed");
        var capped = run.Last("network.capped");
        capped.GetProperty("phases").EnumerateArray().Select(p => p.GetString()).ShouldBe(["setup"]);
    }
}

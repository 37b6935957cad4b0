using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Core.Teams;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Agent.Tests.Execution;

public sealed class EgressCredentialExecutionTests
{
    private const string OrgSecretValue = "fake-org-registry-token-51c3";

    private static ScriptedChatClient FixingModel() => new ScriptedChatClient()
        .ThenToolCall("edit_file", new { path = "calc.mjs", old_string = "return a - b;", new_string = "return a + b;" })
        .ThenToolCall("finish", new { summary = "Fix add()" });

    [Fact]
    public async Task ExecuteAsync_CredentialFromAnOrganisationSecret_SetupReachesThePrivateHostWithItAndNoEventHoldsIt()
    {
        using var server = new LoopbackHttpsServer();
        using var ca = new TempFolder("nightshift-egress-ca-test-");
        var secrets = new Secrets(new() { [(OrgIds.Default, "REGISTRY_TOKEN")] = OrgSecretValue });
        using var harness = new ExecutorHarness(FixingModel(), s => Credentialed(s, server, ca, secret: "REGISTRY_TOKEN"), orgSecrets: secrets);
        harness.Repo.Commit("setup that fetches from a private registry",
            (".nightshift.yml", $"setup: curl -sS --fail --max-time 10 --noproxy '' -o /dev/null https://localhost:{server.Port}/package.tgz\ntest: node --test\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        server.Requests.ShouldHaveSingleItem().ShouldContain($"Authorization: Bearer {OrgSecretValue}\r\n");
        run.All("network.allowed").Select(e => e.GetProperty("method").GetString()).ShouldBe(["CONNECT", "GET"]);
        run.All("network.allowed").ShouldAllBe(e => e.GetProperty("phase").GetString() == "setup");
        string.Join("\n", run.Events.Select(e => e.Data.GetRawText())).ShouldNotContain(OrgSecretValue);
        secrets.Reads.ShouldBe(1, "resolved once per attempt");
    }

    [Fact]
    public async Task ExecuteAsync_OrganisationLacksTheSecret_FailsBeforeSetupNamingTheSecretAndHowToAddIt()
    {
        using var server = new LoopbackHttpsServer();
        using var ca = new TempFolder("nightshift-egress-ca-test-");
        using var harness = new ExecutorHarness(FixingModel(), s => Credentialed(s, server, ca, secret: "REGISTRY_TOKEN"), orgSecrets: new Secrets([]));
        harness.Repo.Commit("setup", (".nightshift.yml", $"setup: curl -sS --max-time 10 --noproxy '' https://localhost:{server.Port}/\ntest: node --test\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason!.ShouldContain("needs the secret 'REGISTRY_TOKEN'");
        outcome.Reason!.ShouldContain("nightshift secret set REGISTRY_TOKEN");
        server.Requests.ShouldBeEmpty();
        run.Types.ShouldNotContain("command.output");
    }

    [Fact]
    public async Task ExecuteAsync_NoPhaseHasNetwork_MissingSecretDoesNotMatter()
    {
        using var server = new LoopbackHttpsServer();
        using var ca = new TempFolder("nightshift-egress-ca-test-");
        var secrets = new Secrets([]);
        using var harness = new ExecutorHarness(FixingModel(), s => Credentialed(s, server, ca, secret: "REGISTRY_TOKEN"), orgSecrets: secrets);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        secrets.Reads.ShouldBe(0);
    }

    [Fact]
    public async Task ExecuteAsync_ConfiguredValueOnANetworklessPhase_IsNotGivenToThatPhasesProxy()
    {
        using var server = new LoopbackHttpsServer();
        using var ca = new TempFolder("nightshift-egress-ca-test-");
        using var harness = new ExecutorHarness(FixingModel(), s =>
        {
            Credentialed(s, server, ca, value: "fake-configured-value-77");
            s["Sandbox:Network:Verify"] = "On";
        });
        harness.Repo.Commit("verification that calls the host",
            ("probe.test.mjs", $$"""
                import test from 'node:test';
                import { execSync } from 'node:child_process';
                test('calls the private host', () => { execSync("curl -sS --fail --max-time 10 --noproxy '' -o /dev/null https://localhost:{{server.Port}}/from-verify"); });

                """),
            (".nightshift.yml", "test: node --test\nnetwork: { setup: off, agent: off, verify: on }\n"));
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        outcome.Kind.ShouldBe(OutcomeKind.Succeeded, outcome.Reason);
        server.Requests.ShouldNotBeEmpty();
        server.Requests.ShouldAllBe(r => r.Contains("Authorization: Bearer fake-configured-value-77\r\n", StringComparison.Ordinal));
        string.Join("\n", run.Events.Select(e => e.Data.GetRawText())).ShouldNotContain("fake-configured-value-77");
    }

    private static void Credentialed(Dictionary<string, string?> settings, LoopbackHttpsServer server, TempFolder ca, string? secret = null, string? value = null)
    {
        settings["Sandbox:Egress:AllowPrivate:0"] = $"127.0.0.1:{server.Port}";
        settings["Sandbox:Egress:AllowPrivate:1"] = $"[::1]:{server.Port}";
        settings["Sandbox:Egress:CaFolder"] = ca.Path;
        settings["Sandbox:Egress:UpstreamCaFile"] = server.CaFile;
        settings["Sandbox:Egress:Credentials:0:Host"] = "localhost";
        settings["Sandbox:Egress:Credentials:0:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (secret is not null)
        {
            settings["Sandbox:Egress:Credentials:0:Secret"] = secret;
        }
        if (value is not null)
        {
            settings["Sandbox:Egress:Credentials:0:Value"] = value;
        }
    }

    private sealed class Secrets(Dictionary<(string Org, string Name), string> values) : IOrgSecrets
    {
        private int _reads;

        public int Reads => _reads;

        public Task<string?> GetAsync(string orgId, string name, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return Task.FromResult(values.TryGetValue((orgId, name), out var value) ? value : null);
        }
    }
}

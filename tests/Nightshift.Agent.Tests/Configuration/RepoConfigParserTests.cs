using Nightshift.Agent.Configuration;
using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;

namespace Nightshift.Agent.Tests.Configuration;

public sealed class RepoConfigParserTests
{
    [Fact]
    public void Parse_FullFile_ReadsEveryKey()
    {
        var config = RepoConfigParser.Parse("""
            setup: npm ci
            test:
              - npm test
              - node --test
            build: [npm run build]
            lint: npm run lint
            network: on
            branch_prefix: bots/
            require_plan_approval: yes
            """);

        config.Setup.ShouldBe(["npm ci"]);
        config.Test.ShouldBe(["npm test", "node --test"]);
        config.VerificationCommands.ShouldBe(["npm run build", "npm run lint", "npm test", "node --test"]);
        config.Network.ShouldBe(RepoNetwork.On);
        config.BranchPrefix.ShouldBe("bots/");
        config.RequirePlanApproval.ShouldBe(true);
    }

    [Theory]
    [InlineData("network: off", NetworkPolicy.Off, NetworkPolicy.Off, NetworkPolicy.Off)]
    [InlineData("network: none", NetworkPolicy.Off, NetworkPolicy.Off, NetworkPolicy.Off)]
    [InlineData("network: setup", NetworkPolicy.On, NetworkPolicy.Off, NetworkPolicy.Off)]
    [InlineData("network: on", NetworkPolicy.On, NetworkPolicy.On, NetworkPolicy.On)]
    [InlineData("network: true", NetworkPolicy.On, NetworkPolicy.On, NetworkPolicy.On)]
    public void Parse_NetworkScalar_MeansOnePolicyPerPhase(string yaml, NetworkPolicy setup, NetworkPolicy agent, NetworkPolicy verify)
    {
        RepoConfigParser.Parse(yaml).Network.ShouldBe(new RepoNetwork(setup, agent, verify));
    }

    [Fact]
    public void Parse_NetworkMap_SetsOnlyThePhasesItNames()
    {
        var config = RepoConfigParser.Parse("""
            network:
              setup: off
              verify: on
            """);

        config.Network.ShouldBe(new RepoNetwork(Setup: NetworkPolicy.Off, Agent: null, Verify: NetworkPolicy.On));
    }

    [Fact]
    public void Parse_NetworkMapWithAllowAndPresets_ReadsTheRulesNormalised()
    {
        var config = RepoConfigParser.Parse("""
            network:
              setup: allowlist
              agent: off
              allow: ["get,head Docs.Example.org.", "*.cdn.example.org:8443", "bücher.example"]
              presets: [npm, NPM]
            """);

        config.Network.Setup.ShouldBe(NetworkPolicy.Allowlist);
        config.Network.Agent.ShouldBe(NetworkPolicy.Off);
        config.Network.Verify.ShouldBeNull();
        config.Network.Allow.ShouldNotBeNull().Select(r => r.ToString())
            .ShouldBe(["GET,HEAD docs.example.org", "*.cdn.example.org:8443", "xn--bcher-kva.example", "registry.npmjs.org"]);
    }

    [Fact]
    public void Parse_AllowListLongerThanTheCap_RefusedNamingTheCap()
    {
        var yaml = "network:\n  setup: allowlist\n  allow:\n" + string.Concat(Enumerable.Range(0, NetworkCeilings.MaxRules + 1).Select(i => $"    - h{i}.example.org\n"));

        var error = Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(yaml));

        error.Message.ShouldContain($"at most {NetworkCeilings.MaxRules} are read");
    }

    [Fact]
    public void Parse_NoNetworkKey_LeavesEveryPhaseToTheCeiling()
    {
        RepoConfigParser.Parse("test: make test").Network.ShouldBe(RepoNetwork.Unstated);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Parse_EmptyFile_IsTheDefault(string yaml)
    {
        RepoConfigParser.Parse(yaml).ShouldBe(RepoConfig.Empty);
    }

    [Theory]
    [InlineData("tests: npm test", "unknown key 'tests'; the keys are setup, test")]
    [InlineData("test: {run: x}", "'test' must be a command or a list of commands")]
    [InlineData("test: [[a]]", "each 'test' entry must be a command line")]
    [InlineData("network: sometimes", "'network' must be off, setup or on")]
    [InlineData("network: [on]", "'network' must be off, setup or on, or a map of setup, agent and verify")]
    [InlineData("network: {build: on}", "unknown network key 'build'; the keys are setup, agent, verify, allow and presets")]
    [InlineData("network: {agent: sometimes}", "'network.agent' must be off, allowlist or on")]
    [InlineData("network: {setup: [on]}", "'network.setup' must be off, allowlist or on")]
    [InlineData("network: {setup: allowlist}", "network.setup is allowlist, but network.allow and network.presets name no host")]
    [InlineData("network: {setup: allowlist, allow: []}", "network.setup is allowlist, but network.allow and network.presets name no host")]
    [InlineData("network: {setup: allowlist, allow: ['*']}", "network.allow entry '*' has a '*' that is not a leading '*.'")]
    [InlineData("network: {setup: allowlist, allow: ['*.com']}", "covers every name under the top-level domain 'com'")]
    [InlineData("network: {setup: allowlist, allow: ['a.example.org:99999']}", "has the port '99999', which is not a number from 1 to 65535")]
    [InlineData("network: {setup: allowlist, allow: ['127.0.0.1']}", "is an address, not a name")]
    [InlineData("network: {setup: allowlist, allow: ['TRACE a.example.org']}", "names the method 'TRACE'")]
    [InlineData("network: {setup: allowlist, allow: {host: a.example.org}}", "'network.allow' must be a list of strings")]
    [InlineData("network: {setup: allowlist, allow: [[a.example.org]]}", "each 'network.allow' entry must be a string")]
    [InlineData("network: {setup: allowlist, presets: [maven]}", "network.presets entry 'maven' is not a preset; the presets are npm, pypi, nuget, go, crates")]
    [InlineData("branch_prefix: ../evil", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: \"-x\"", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: /abs", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: a b", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: \"x@{1}\"", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: [a]", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: \"\"", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("branch_prefix: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "at most 60")]
    [InlineData("branch_prefix: refs/heads/main", "is not usable as a branch folder")]
    [InlineData("branch_prefix: HEAD", "is not usable as a branch folder")]
    [InlineData("branch_prefix: bots/x.lock/y", "is not usable as a branch folder")]
    [InlineData("branch_prefix: bots/.hidden", "is not usable as a branch folder")]
    [InlineData("require_plan_approval: maybe", "must be true or false")]
    [InlineData("- just\n- a list", "must be a mapping of keys")]
    [InlineData("test: [unclosed", "is not valid YAML at line")]
    [InlineData("a: 1\n---\nb: 2", "holds 2 YAML documents")]
    public void Parse_BadFile_SaysWhatToFix(string yaml, string expected)
    {
        Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(yaml)).Message.ShouldContain(expected);
    }

    [Theory]
    [InlineData("test: none")]
    [InlineData("test: None\nbuild: make")]
    [InlineData("test: \"none\"")]
    public void Parse_TestNone_MeansNoTestsOnPurpose(string yaml)
    {
        var config = RepoConfigParser.Parse(yaml);

        config.TestNone.ShouldBeTrue();
        config.Test.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("test: node --test")]
    [InlineData("test: [none]")]
    [InlineData("network: off")]
    public void Parse_TestCommandsOrNoTestKey_IsNotAnOptOut(string yaml)
    {
        RepoConfigParser.Parse(yaml).TestNone.ShouldBeFalse();
    }

    [Fact]
    public void Parse_BranchPrefixWithoutSlash_GetsOne()
    {
        RepoConfigParser.Parse("branch_prefix: bots").BranchPrefix.ShouldBe("bots/");
    }

    [Fact]
    public void Parse_AliasBomb_IsRefused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\ntest: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";

        Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(yaml)).Message.ShouldContain("aliases");
    }

    [Fact]
    public void Parse_Oversized_IsRefused()
    {
        var yaml = "test:\n" + string.Concat(Enumerable.Repeat("  - echo " + new string('x', 100) + "\n", 1_000));

        Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(yaml)).Message.ShouldContain("at most 65536");
    }

    [Fact]
    public async Task LoadAsync_SymlinkedFile_IsRefused()
    {
        var dir = Directory.CreateTempSubdirectory("ns-cfg-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(dir, ".nightshift.yml"), "/etc/hostname");

            (await Should.ThrowAsync<RepoConfigException>(() => RepoConfigParser.LoadAsync(dir))).Message.ShouldContain("symbolic link");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("fifo", "is a FIFO, not a regular file")]
    [InlineData("zero", "symbolic link")]
    [InlineData("sparse", "bytes; at most 65536 are read")]
    [InlineData("folder", "is a folder, not a regular file")]
    public async Task LoadAsync_SpecialOrHugeFile_IsRefusedAtOnceWithWhatToFix(string kind, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("ns-cfg-").FullName;
        try
        {
            var path = Path.Combine(dir, ".nightshift.yml");
            switch (kind)
            {
                case "fifo":
                    Fakes.SpecialFiles.Fifo(path);
                    break;
                case "zero":
                    File.CreateSymbolicLink(path, "/dev/zero");
                    break;
                case "sparse":
                    Fakes.SpecialFiles.Sparse(path, 100L * 1024 * 1024);
                    break;
                default:
                    Directory.CreateDirectory(path);
                    break;
            }

            var load = Task.Run(() => RepoConfigParser.LoadAsync(dir, Nightshift.TestKit.TestDefaults.TimeoutToken()));

            (await Should.ThrowAsync<RepoConfigException>(load.WaitAsync(Nightshift.TestKit.TestDefaults.Timeout))).Message.ShouldContain(expected);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

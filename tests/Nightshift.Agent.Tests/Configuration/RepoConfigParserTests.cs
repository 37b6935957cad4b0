using Nightshift.Agent.Configuration;

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
    [InlineData("network: off", false, false, false)]
    [InlineData("network: none", false, false, false)]
    [InlineData("network: setup", true, false, false)]
    [InlineData("network: on", true, true, true)]
    [InlineData("network: true", true, true, true)]
    public void Parse_NetworkScalar_MeansOnePolicyPerPhase(string yaml, bool setup, bool agent, bool verify)
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

        config.Network.ShouldBe(new RepoNetwork(Setup: false, Agent: null, Verify: true));
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
    [InlineData("network: {build: on}", "unknown network phase 'build'; the phases are setup, agent and verify")]
    [InlineData("network: {agent: sometimes}", "'network.agent' must be true or false")]
    [InlineData("network: {setup: [on]}", "'network.setup' must be true or false")]
    [InlineData("branch_prefix: ../evil", "'branch_prefix' must be a short branch-name prefix")]
    [InlineData("require_plan_approval: maybe", "must be true or false")]
    [InlineData("- just\n- a list", "must be a mapping of keys")]
    [InlineData("test: [unclosed", "is not valid YAML at line")]
    [InlineData("a: 1\n---\nb: 2", "holds 2 YAML documents")]
    public void Parse_BadFile_SaysWhatToFix(string yaml, string expected)
    {
        Should.Throw<RepoConfigException>(() => RepoConfigParser.Parse(yaml)).Message.ShouldContain(expected);
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
}

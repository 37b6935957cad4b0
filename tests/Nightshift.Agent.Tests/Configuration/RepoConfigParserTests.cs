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

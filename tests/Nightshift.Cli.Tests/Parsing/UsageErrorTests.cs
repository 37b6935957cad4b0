namespace Nightshift.Cli.Tests.Parsing;

public sealed class UsageErrorTests : IDisposable
{
    private readonly InProcessCli cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Submit_WithoutRepoOrInstruction_ExitsTwoWithUsageOnStderr()
    {
        var result = await cli.RunAsync("submit");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("--repo");
        result.Stderr.ShouldContain("usage: nightshift submit --repo <REPO> <instruction> [options]");
    }

    [Fact]
    public async Task NoCommand_ExitsTwo()
    {
        var result = await cli.RunAsync();

        result.ExitCode.ShouldBe(ExitCodes.Usage);
        result.Stderr.ShouldContain("usage: nightshift <command>");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("ls", "--limit", "0")]
    [InlineData("ls", "--limit", "1000000")]
    [InlineData("ls", "--limit", "many")]
    [InlineData("ls", "--status", "exploded")]
    [InlineData("ls", "--format", "xml")]
    [InlineData("submit", "--repo", "r", "x", "--priority", "99999999999")]
    [InlineData("logs", "abcdefgh", "--after", "-5")]
    [InlineData("show")]
    [InlineData("cancel", "one", "two")]
    public async Task BadArguments_ExitTwoBeforeAnyRequest(params string[] args)
    {
        // No server runs for this class: reaching the network would exit 3, not 2.
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";

        var result = await cli.RunAsync(args);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldStartWith("error: ");
    }

    [Theory]
    [InlineData("../../health")]
    [InlineData("abc")]
    [InlineData("abcdefgh/")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123")]
    [InlineData("abcd\u001b[31mx")]
    [InlineData("")]
    public async Task Show_MalformedId_ExitsTwoWithoutTouchingTheServer(string id)
    {
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";

        var result = await cli.RunAsync("show", id);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("is not a task id");
        result.Stderr.ShouldNotContain("\u001b");
    }

    [Fact]
    public async Task Submit_EmptyInstruction_IsRejectedLocallyWithTheFieldNamed()
    {
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";

        var result = await cli.RunAsync("submit", "--repo", "https://github.com/o/r", "   ");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("instruction: is required");
    }

    [Fact]
    public async Task Submit_OversizedInstructionOnStdin_ExitsTwo()
    {
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";

        var result = await cli.RunWithInputAsync(new string('x', Core.Tasks.NewTask.MaxInstructionLength + 10), "submit", "--repo", "r", "-");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("longer than");
    }

    [Fact]
    public async Task Approve_PlanFileThatIsNotJson_ExitsTwoNamingTheFile()
    {
        var plan = Path.Combine(cli.DataDirectory, "plan.json");
        await File.WriteAllTextAsync(plan, "{ not json");
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";

        var result = await cli.RunAsync("approve", "abcdefgh", "--plan", plan);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("plan.json");
        result.Stderr.ShouldContain("not valid JSON");
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"a plan\"")]
    public async Task Approve_PlanFileThatIsNotAnObject_ExitsTwo(string content)
    {
        var plan = Path.Combine(cli.DataDirectory, "plan.json");
        await File.WriteAllTextAsync(plan, content);

        var result = await cli.RunAsync("approve", "abcdefgh", "--plan", plan);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("a plan is a JSON object");
    }

    [Fact]
    public async Task Reject_OversizedReason_ExitsTwo()
    {
        var result = await cli.RunAsync("reject", "abcdefgh", "--reason", new string('r', 5000));

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("--reason");
    }

    [Fact]
    public async Task Approve_MissingPlanFile_ExitsTwo()
    {
        var result = await cli.RunAsync("approve", "abcdefgh", "--plan", Path.Combine(cli.DataDirectory, "nope.json"));

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("does not exist");
    }

    [Fact]
    public async Task Help_ExitsZeroAndListsTheCommands()
    {
        var result = await cli.RunAsync("--help");

        result.ExitCode.ShouldBe(ExitCodes.Ok);
        foreach (var command in new[] { "submit", "ls", "show", "logs", "cancel", "retry", "approve", "reject", "doctor", "run", "demo" })
        {
            result.Stdout.ShouldContain(command);
        }
    }

    [Fact]
    public async Task Run_RefusedRepository_ExitsUsageNamingTheSetting()
    {
        var result = await cli.RunAsync(["run", "--repo", "file:///etc", "do it", "--json"]);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("file://");
    }

    [Fact]
    public async Task DemoLive_WithoutAModel_ExitsUsageSayingWhatToSet()
    {
        var result = await cli.RunAsync(["demo", "--live"]);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("set NIGHTSHIFT_MODEL");
    }

    [Theory]
    [InlineData("worker", "--slots", "0")]
    [InlineData("worker", "--slots", "100000")]
    [InlineData("worker", "--lease", "2")]
    [InlineData("worker", "--lease", "86400")]
    [InlineData("worker", "--lease", "-5")]
    [InlineData("worker", "--lease", "soon")]
    [InlineData("up", "--workers", "-1", "--urls", "http://127.0.0.1:0")]
    [InlineData("up", "--urls", "http://0.0.0.0:0")]
    public async Task UpAndWorker_UnusableSetting_ExitTwoNamingItBeforeStarting(params string[] args)
    {
        var result = await cli.RunAsync(args);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldStartWith("error: ");
        File.Exists(Path.Combine(cli.DataDirectory, "server.json")).ShouldBeFalse();
    }
}

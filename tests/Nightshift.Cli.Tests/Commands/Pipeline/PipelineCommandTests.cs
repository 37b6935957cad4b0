using System.Diagnostics;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Teams;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit;

namespace Nightshift.Cli.Tests.Commands.Pipeline;

/// <summary><c>nightshift pipeline …</c> in this process against a real server on loopback (validate needs none).</summary>
public sealed class PipelineCommandTests(PipelinesServer server) : IClassFixture<PipelinesServer>
{
    private const string Valid = """
        name: nightly
        description: Update a package, test, and open one pull request — a description long enough to be cut at eighty columns
        repo: https://github.com/example/app
        inputs:
          package: { required: true }
        steps:
          update:
            run: ./update.sh {{ inputs.package }}
          test:
            depends_on: [update]
            run: npm test
            requires_approval: true
        """;

    private static string WriteFile(string text, string name = "pipeline.yml")
    {
        var folder = Directory.CreateTempSubdirectory("ns-cli-pipeline-").FullName;
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<TestKit.Cli.CliResult> OfflineAsync(params string[] args)
    {
        using var cli = new InProcessCli();
        // No server anywhere: validate must not need one.
        cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";
        return await cli.RunAsync(args);
    }

    [Fact]
    public async Task Validate_ValidFile_ExitsOkOffline()
    {
        var path = WriteFile(Valid);

        var result = await OfflineAsync("pipeline", "validate", path);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        result.Stdout.ShouldContain("pipeline nightly is valid");
        result.Stdout.ShouldContain("2 step(s) in 2 layer(s)");
    }

    [Fact]
    public async Task Validate_Problems_PrintFileLineColumnMessage_AndExitOne()
    {
        var path = WriteFile("name: broken\nsteps:\n  a:\n    run: echo\n    depends_on: [ghost]\n  b:\n    run: echo\n    colour: blue\n");

        var result = await OfflineAsync("pipeline", "validate", path);
        var json = await OfflineAsync("pipeline", "validate", path, "--json");

        result.ExitCode.ShouldBe(ExitCodes.TaskFailed, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.StartsWith(path + ":5:", StringComparison.Ordinal) && l.Contains("ghost", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith(path + ":8:", StringComparison.Ordinal) && l.Contains("colour", StringComparison.Ordinal));
        json.ExitCode.ShouldBe(ExitCodes.TaskFailed);
        using var document = JsonDocument.Parse(json.Stdout);
        document.RootElement.GetProperty("valid").GetBoolean().ShouldBeFalse();
        document.RootElement.GetProperty("problems").GetArrayLength().ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Validate_MissingFolderOversizedOrNotUtf8_IsAUsageError()
    {
        var folder = Directory.CreateTempSubdirectory("ns-cli-pipeline-").FullName;
        var big = WriteFile("name: big\ndescription: " + new string('x', PipelineYaml.MaxBytes) + "\n");
        var binary = Path.Combine(folder, "binary.yml");
        await File.WriteAllBytesAsync(binary, [0x6e, 0xff, 0xfe, 0x0a]);

        var missing = await OfflineAsync("pipeline", "validate", Path.Combine(folder, "nope.yml"));
        var directory = await OfflineAsync("pipeline", "validate", folder);
        var oversized = await OfflineAsync("pipeline", "validate", big);
        var notText = await OfflineAsync("pipeline", "validate", binary);

        missing.ExitCode.ShouldBe(ExitCodes.Usage, missing.ToString());
        missing.Stderr.ShouldContain("does not exist");
        directory.ExitCode.ShouldBe(ExitCodes.Usage, directory.ToString());
        directory.Stderr.ShouldContain("is a folder");
        oversized.ExitCode.ShouldBe(ExitCodes.Usage, oversized.ToString());
        oversized.Stderr.ShouldContain(PipelineYaml.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        notText.ExitCode.ShouldBe(ExitCodes.Usage, notText.ToString());
        notText.Stderr.ShouldContain("UTF-8");
    }

    [Fact]
    public async Task Validate_FifoOrDevice_IsRefusedWithoutBlocking()
    {
        var folder = Directory.CreateTempSubdirectory("ns-cli-pipeline-").FullName;
        var fifo = Path.Combine(folder, "pipe.yml");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync(TestDefaults.TimeoutToken());
            mkfifo.ExitCode.ShouldBe(0);
        }
        var link = Path.Combine(folder, "zero.yml");
        File.CreateSymbolicLink(link, "/dev/zero");

        var pipe = await OfflineAsync("pipeline", "validate", fifo).WaitAsync(TestDefaults.Timeout);
        var device = await OfflineAsync("pipeline", "validate", "/dev/zero").WaitAsync(TestDefaults.Timeout);
        var linked = await OfflineAsync("pipeline", "validate", link).WaitAsync(TestDefaults.Timeout);

        pipe.ExitCode.ShouldBe(ExitCodes.Usage, pipe.ToString());
        pipe.Stderr.ShouldContain("not a regular file");
        device.ExitCode.ShouldBe(ExitCodes.Usage, device.ToString());
        linked.ExitCode.ShouldBe(ExitCodes.Usage, linked.ToString());
    }

    [Fact]
    public async Task Validate_LinkToARegularFile_IsFollowed()
    {
        var path = WriteFile(Valid);
        var link = Path.Combine(Path.GetDirectoryName(path)!, "link.yml");
        File.CreateSymbolicLink(link, path);

        var result = await OfflineAsync("pipeline", "validate", link);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
    }

    [Fact]
    public async Task AddLsRm_RegistersListsAtEightyColumnsAndRemoves()
    {
        var path = WriteFile(Valid.Replace("name: nightly", "name: nightly-ls", StringComparison.Ordinal));

        var added = await server.CliAsync("pipeline", "add", path);
        var again = await server.CliAsync("pipeline", "add", path);
        var listed = await server.CliAsync("pipeline", "ls");
        var json = await server.CliAsync("pipeline", "ls", "--json");

        added.ExitCode.ShouldBe(ExitCodes.Ok, added.ToString());
        added.Stdout.ShouldContain("registered pipeline nightly-ls");
        again.Stdout.ShouldContain("replaced pipeline nightly-ls");
        listed.ExitCode.ShouldBe(ExitCodes.Ok, listed.ToString());
        var lines = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("NAME");
        lines.ShouldContain(l => l.StartsWith("nightly-ls", StringComparison.Ordinal) && l.EndsWith('…'));
        lines.ShouldAllBe(l => l.Length <= 80);
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            document.RootElement.EnumerateArray().ShouldContain(p => p.GetProperty("name").GetString() == "nightly-ls");
        }

        var removed = await server.CliAsync("pipeline", "rm", "nightly-ls");
        var gone = await server.CliAsync("pipeline", "rm", "nightly-ls");

        removed.ExitCode.ShouldBe(ExitCodes.Ok, removed.ToString());
        gone.ExitCode.ShouldBe(ExitCodes.NotFound, gone.ToString());
        gone.Stderr.ShouldContain("no registered pipeline");
    }

    [Fact]
    public async Task Add_FileWithProblems_PrintsThemAndRegistersNothing()
    {
        var path = WriteFile("name: add-broken\nsteps:\n  a: { run: echo, depends_on: [a] }\n");

        var result = await server.CliAsync("pipeline", "add", path);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain(path + ":3:");
        (await server.Store.FindPipelineAsync(OrgIds.Default, "add-broken")).ShouldBeNull();
    }

    [Fact]
    public async Task Run_MissingInputOrBadInputSyntax_ExitsUsageNamingIt()
    {
        (await server.CliAsync("pipeline", "add", WriteFile(Valid.Replace("name: nightly", "name: nightly-inputs", StringComparison.Ordinal)))).ExitCode.ShouldBe(ExitCodes.Ok);

        var missing = await server.CliAsync("pipeline", "run", "nightly-inputs");
        var syntax = await server.CliAsync("pipeline", "run", "nightly-inputs", "--input", "package");
        var twice = await server.CliAsync("pipeline", "run", "nightly-inputs", "--input", "package=a", "--input", "package=b");

        missing.ExitCode.ShouldBe(ExitCodes.Usage, missing.ToString());
        missing.Stderr.ShouldContain("package");
        syntax.ExitCode.ShouldBe(ExitCodes.Usage, syntax.ToString());
        syntax.Stderr.ShouldContain("NAME=VALUE");
        twice.ExitCode.ShouldBe(ExitCodes.Usage, twice.ToString());
    }

    [Theory]
    [InlineData(RunState.Succeeded, EventTypes.RunSucceeded, ExitCodes.Ok)]
    [InlineData(RunState.NeedsReview, EventTypes.RunNeedsReview, ExitCodes.Usage)]
    [InlineData(RunState.Failed, EventTypes.RunFailed, ExitCodes.TaskFailed)]
    [InlineData(RunState.Cancelled, EventTypes.RunCancelled, ExitCodes.TaskFailed)]
    public async Task RunFollow_PrintsEachEventAndExitsByHowTheRunEnded(RunState end, string finalEvent, int exitCode)
    {
        var name = "follow-" + end.ToWire().Replace('_', '-');
        (await server.CliAsync("pipeline", "add", WriteFile(Valid.Replace("name: nightly", "name: " + name, StringComparison.Ordinal)))).ExitCode.ShouldBe(ExitCodes.Ok);

        var following = server.CliAsync("pipeline", "run", name, "--input", "package=left-pad", "--follow");
        RunRecord? run = null;
        await TestDefaults.WaitUntilAsync(async () => (run = (await server.Store.ListRunsAsync(OrgIds.Default, name, null, 1)).FirstOrDefault()) is not null, "the run is created");
        await server.ApplyAsync(run!.Id, new RunChange
        {
            State = RunState.Running,
            Events =
            [
                PipelinesServer.Event(EventTypes.RunStarted, new { pipeline = name, branch = run.Branch, trigger = "api" }),
                PipelinesServer.Event(EventTypes.StepStarted, new { step = "update", kind = "command" }),
                PipelinesServer.Event(EventTypes.StepSucceeded, new { step = "update" }),
                PipelinesServer.Event(EventTypes.StepAwaitingApproval, new { step = "test" }),
            ],
        });
        await server.ApplyAsync(run.Id, new RunChange
        {
            State = end,
            Reason = end == RunState.Succeeded ? null : "step test failed: 3 tests failed",
            FinishedAt = DateTimeOffset.UtcNow,
            Events = [PipelinesServer.Event(finalEvent, new { pipeline = name, reason = "step test failed" })],
        });
        var result = await following.WaitAsync(TestDefaults.Timeout);

        result.ExitCode.ShouldBe(exitCode, result.ToString());
        result.Stdout.ShouldContain("run.started");
        result.Stdout.ShouldContain("step.succeeded");
        result.Stdout.ShouldContain(finalEvent);
        result.Stdout.ShouldContain($"run {run.Id} {end.ToWire()}");
        result.Stderr.ShouldContain($"nightshift pipeline approve {run.Id} test");
    }

    [Fact]
    public async Task RunsShowApproveCancel_ShowStepsAtEightyColumns_AndDecide()
    {
        (await server.CliAsync("pipeline", "add", WriteFile(Valid.Replace("name: nightly", "name: nightly-show", StringComparison.Ordinal)))).ExitCode.ShouldBe(ExitCodes.Ok);
        var started = await server.CliAsync("pipeline", "run", "nightly-show", "--input", "package=left-pad", "--json");
        started.ExitCode.ShouldBe(ExitCodes.Ok, started.ToString());
        string id;
        using (var document = JsonDocument.Parse(started.Stdout))
        {
            id = document.RootElement.GetProperty("id").GetString()!;
        }
        var output = "{\"summary\":\"" + new string('u', 300) + "\",\"changed\":true}";
        await server.ApplyAsync(id, new RunChange
        {
            State = RunState.AwaitingApproval,
            Steps =
            [
                PipelinesServer.Step(id, "update", StepState.Succeeded, output: output),
                PipelinesServer.Step(id, "test", StepState.AwaitingApproval),
            ],
        });

        var runs = await server.CliAsync("pipeline", "runs", "--pipeline", "nightly-show");
        var shown = await server.CliAsync("pipeline", "show", id);
        var early = await server.CliAsync("pipeline", "approve", id, "update");
        var approved = await server.CliAsync("pipeline", "approve", id, "test");
        var cancelled = await server.CliAsync("pipeline", "cancel", id);
        var unknown = await server.CliAsync("pipeline", "show", "01jcq5v1x0aaaaaaaa66666666");

        runs.ExitCode.ShouldBe(ExitCodes.Ok, runs.ToString());
        runs.Stdout.ShouldContain(id);
        runs.Stdout.ShouldContain("awaiting_approval");
        shown.ExitCode.ShouldBe(ExitCodes.Ok, shown.ToString());
        var lines = shown.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldAllBe(l => l.Length <= 80);
        lines.ShouldContain(l => l.StartsWith("update", StringComparison.Ordinal) && l.Contains("succeeded", StringComparison.Ordinal) && l.Contains("{\"summary\"", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("test", StringComparison.Ordinal) && l.Contains("awaiting_approval", StringComparison.Ordinal));
        early.ExitCode.ShouldBe(ExitCodes.Conflict, early.ToString());
        early.Stderr.ShouldContain("not awaiting_approval");
        approved.ExitCode.ShouldBe(ExitCodes.Ok, approved.ToString());
        (await server.Store.ListStepsAsync(id)).Single(s => s.Name == "test").State.ShouldBe(StepState.Pending);
        cancelled.ExitCode.ShouldBe(ExitCodes.Ok, cancelled.ToString());
        (await server.Store.FindRunAsync(OrgIds.Default, id))!.CancelRequested.ShouldBeTrue();
        unknown.ExitCode.ShouldBe(ExitCodes.NotFound, unknown.ToString());
    }
}

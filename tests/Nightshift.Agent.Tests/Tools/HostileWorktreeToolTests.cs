using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Agent.Tools;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Agent.Tests.Tools;

/// <summary>
/// A scripted model issuing hostile tool calls through the real agent loop on a real git checkout whose committed
/// content is hostile (links to /dev/zero, to / and to itself) and to which FIFOs and a sparse 100 MB file were added,
/// as a setup command or an earlier <c>run</c> could. Every call ends in seconds with a result the model reads.
/// </summary>
public sealed class HostileWorktreeToolTests : IDisposable
{
    private static readonly TimeSpan Seconds = TimeSpan.FromSeconds(20);
    private readonly TempGitRepo _repo = TempGitRepo.Create();
    private readonly RecordingObserver _observer = new();

    public HostileWorktreeToolTests()
    {
        _repo.WriteFile("src/app.js", "console.log('hi');\n");
        Link("zero", "/dev/zero");
        Link("hostroot", "/");
        Link("l1", ".");
        Link("l2", ".");
        _repo.Commit("hostile links");
        Mkfifo("p");
        using var sparse = new FileStream(Path.Combine(Root, "big.log"), FileMode.Create, FileAccess.Write);
        sparse.SetLength(100L * 1024 * 1024);
    }

    private string Root => _repo.WorkPath;

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task ReadFile_Fifo_EndsAtOnceWithAClearToolError()
    {
        var seen = await RunCallsAsync(("read_file", new { path = "p" }));

        seen[0].ShouldBe("'p' is a FIFO, not a regular file: Nightshift reads regular files only");
        _observer.Results.ShouldContain(r => r.IsError);
    }

    [Fact]
    public async Task ReadFile_LinkToDevZero_IsRefusedWithoutReading()
    {
        var seen = await RunCallsAsync(("read_file", new { path = "zero" }));

        seen[0].ShouldContain("symbolic link that leads outside the repository");
    }

    [Fact]
    public async Task ReadFile_SparseHundredMegabytes_ReadsABoundedPrefixAndSaysSo()
    {
        var clock = Stopwatch.StartNew();

        var seen = await RunCallsAsync(("read_file", new { path = "big.log" }));

        seen[0].ShouldContain("binary file (104857600 bytes)");
        clock.Elapsed.ShouldBeLessThan(Seconds);
    }

    [Fact]
    public async Task ReadFile_TextLongerThanTheBound_SaysOnlyThePrefixWasRead()
    {
        File.WriteAllText(Path.Combine(Root, "long.txt"), new string('x', 100) + "\n" + new string('y', 5_000));
        var context = Context(new ToolLimits { MaxReadBytes = 1_000 });

        var seen = await RunCallsAsync(context, ("read_file", new { path = "long.txt" }));

        seen[0].ShouldContain("only its first 1000 were read");
        seen[0].ShouldContain("1| " + new string('x', 100));
    }

    [Fact]
    public async Task EditFile_FileOverTheEditBound_IsRefusedWithWhatToDoInstead()
    {
        var seen = await RunCallsAsync(("edit_file", new { path = "big.log", old_string = "a", new_string = "b" }));

        seen[0].ShouldContain("'big.log' is 104857600 bytes; edit_file edits files of at most");
        seen[0].ShouldContain("with run");
        new FileInfo(Path.Combine(Root, "big.log")).Length.ShouldBe(100L * 1024 * 1024);
    }

    [Fact]
    public async Task EditAndWriteFile_Fifo_AreRefusedWithoutBlocking()
    {
        var seen = await RunCallsAsync(
            ("edit_file", new { path = "p", old_string = "a", new_string = "b" }),
            ("write_file", new { path = "p", content = "x" }));

        seen[0].ShouldContain("'p' is a FIFO");
        seen[1].ShouldContain("'p' is a FIFO");
        seen[1].ShouldContain("write_file replaces regular files only");
    }

    [Fact]
    public async Task ListFiles_ThroughALinkToTheHostRoot_ListsNothingOfTheHost()
    {
        var seen = await RunCallsAsync(
            ("list_files", new { pattern = "hostroot/etc/*" }),
            ("list_files", new { path = "hostroot/etc" }));

        seen[0].ShouldBe("no files match");
        seen[1].ShouldContain("leads outside the repository");
        seen.ShouldAllBe(s => !s.Contains("passwd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListFiles_LinksToItself_EndBoundedAndShowTheLinksAsLinks()
    {
        var seen = await RunCallsAsync(("list_files", new { }));

        var lines = seen[0].Split('\n');
        lines.ShouldContain("l1 (symbolic link, not followed)");
        lines.ShouldContain("l2 (symbolic link, not followed)");
        lines.ShouldContain("hostroot (symbolic link, not followed)");
        lines.ShouldContain("p (FIFO, not a regular file)");
        lines.ShouldContain("src/app.js");
        lines.ShouldAllBe(l => !l.StartsWith("l1/", StringComparison.Ordinal) && !l.StartsWith("hostroot/", StringComparison.Ordinal) && !l.StartsWith(".git", StringComparison.Ordinal));
        lines.Length.ShouldBeLessThan(20);
    }

    [Fact]
    public async Task ListFiles_TreeLargerThanTheEntryBound_StopsAndSaysSo()
    {
        for (var i = 0; i < 30; i++)
        {
            File.WriteAllText(Path.Combine(Root, $"f{i:00}.txt"), "x");
        }

        var seen = await RunCallsAsync(Context(new ToolLimits { MaxListedEntries = 10 }), ("list_files", new { }));

        seen[0].ShouldContain("the listing stopped after 10 entries of the tree");
    }

    [Fact]
    public async Task Search_Fifo_IsRefusedInsteadOfBlockingRipgrep()
    {
        var seen = await RunCallsAsync(("search", new { pattern = "x", path = "p" }));

        seen[0].ShouldBe("'p' is a FIFO, not a regular file: Nightshift reads regular files only");
    }

    [Fact]
    public async Task GitDiff_DiffSourceThrowsAnything_GoesBackToTheModelAsAnErrorAndTheLoopGoesOn()
    {
        var context = new ToolContext(new Worktree(Root), new NoCommands(), new FailingDiff(new InvalidOperationException("index is corrupt")));

        var seen = await RunCallsAsync(context, ("git_diff", new { }), ("read_file", new { path = "src/app.js" }));

        seen[0].ShouldBe("git_diff failed: InvalidOperationException: index is corrupt");
        seen[1].ShouldContain("console.log");
    }

    [Fact]
    public async Task GitDiff_ToolStoppedByItsOwnTimeout_IsAnErrorNotACancelledTask()
    {
        var context = new ToolContext(new Worktree(Root), new NoCommands(), new FailingDiff(new OperationCanceledException()));

        var seen = await RunCallsAsync(context, ("git_diff", new { }));

        seen[0].ShouldBe("git_diff failed: it was stopped before it finished");
    }

    [Fact]
    public async Task RunAsync_TaskCancelledDuringATool_PropagatesTheCancellation()
    {
        using var cancel = new CancellationTokenSource();
        var context = new ToolContext(new Worktree(Root), new NoCommands(), new CancellingDiff(cancel));
        var model = new ScriptedModel(_ => ScriptedModel.Call("git_diff", new { }));
        var loop = Loop(model, context);

        await Should.ThrowAsync<OperationCanceledException>(() => loop.RunAsync(Conversation(), 2, cancel.Token));
    }

    private ToolContext Context(ToolLimits? limits = null) => new(new Worktree(Root), new NoCommands(), new NoCommands(), limits);

    private Task<List<string>> RunCallsAsync(params (string Tool, object Arguments)[] calls) => RunCallsAsync(Context(), calls);

    /// <summary>Has the model make the calls in one turn and then finish; returns the results it read, in order.</summary>
    private async Task<List<string>> RunCallsAsync(ToolContext context, params (string Tool, object Arguments)[] calls)
    {
        var seen = new List<string>();
        var ids = calls.Select((_, i) => $"c{i}").ToArray();
        var model = new ScriptedModel(
            _ => ScriptedModel.Calls([.. calls.Select((c, i) => (c.Tool, c.Arguments, (string?)ids[i]))]),
            conversation =>
            {
                seen.AddRange(ids.Select(id => ScriptedModel.ResultOf(conversation, id) ?? "(no result)"));
                return ScriptedModel.Call("finish", new { summary = "done" });
            });
        var result = await Task.Run(() => Loop(model, context).RunAsync(Conversation(), 2, TestDefaults.TimeoutToken())).WaitAsync(Seconds);
        result.Finished.ShouldBeTrue();
        return seen;
    }

    private AgentLoop Loop(IChatClient model, ToolContext context) =>
        new(model, ToolBox.BuildTools(), context, _observer, new FlatPriceMeter(0.001m), new BudgetTracker(new AgentBudget(), TimeProvider.System), TimeProvider.System);

    private static List<ChatMessage> Conversation() => [new(ChatRole.System, "You are a careful engineer."), new(ChatRole.User, "Look around")];

    private void Link(string relative, string target) => File.CreateSymbolicLink(Path.Combine(Root, relative), target);

    private void Mkfifo(string relative)
    {
        using var process = Process.Start("mkfifo", [Path.Combine(Root, relative)]);
        process.WaitForExit((int)TestDefaults.Timeout.TotalMilliseconds).ShouldBeTrue();
        process.ExitCode.ShouldBe(0);
    }

    private sealed class FailingDiff(Exception error) : IDiffSource
    {
        public Task<string> GetDiffAsync(CancellationToken cancellationToken = default) => Task.FromException<string>(error);
    }

    private sealed class CancellingDiff(CancellationTokenSource cancel) : IDiffSource
    {
        public async Task<string> GetDiffAsync(CancellationToken cancellationToken = default)
        {
            await cancel.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return "";
        }
    }
}

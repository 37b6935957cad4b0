using Nightshift.TestKit;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract class OutputTests(Jail jail)
{
    [Fact]
    public async Task RunAsync_OutputOverCap_KeepsHeadAndTailWithMarker()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "seq 1 100000; seq 1 50000 >&2", s => s with { MaxOutputChars = 1000 });

        result.Truncated.ShouldBeTrue();
        result.Stdout.ShouldStartWith("1\n2\n3\n");
        result.Stdout.ShouldEndWith("99999\n100000\n");
        result.Stdout.ShouldContain("characters of output omitted");
        result.Stdout.Length.ShouldBeLessThan(1100);
        result.Stderr.ShouldEndWith("50000\n");
    }

    [Fact]
    public async Task RunAsync_OutputOverCap_CountsEveryByteOfBothStreams()
    {
        using var worktree = new TempFolder();
        var stdoutBytes = Enumerable.Range(1, 100000).Sum(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1);

        var result = await jail.ShellAsync(worktree, "seq 1 100000; printf 'é€😀' >&2", s => s with { MaxOutputChars = 1000 });

        result.Truncated.ShouldBeTrue();
        result.StdoutBytes.ShouldBe(stdoutBytes);
        result.StderrBytes.ShouldBe(2 + 3 + 4);
    }

    [Fact]
    public async Task RunAsync_NoOutput_CountsZeroBytes()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "true");

        result.StdoutBytes.ShouldBe(0);
        result.StderrBytes.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_OutputUnderCap_NotTruncated()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "seq 1 10", s => s with { MaxOutputChars = 1000 });

        result.Truncated.ShouldBeFalse();
        result.Stdout.ShouldBe(string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n")));
    }

    [Fact]
    public async Task RunAsync_Streaming_DeliversLinesBeforeCommandEnds()
    {
        using var worktree = new TempFolder();
        var first = new TaskCompletionSource<OutputLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<OutputLine>();

        var run = jail.ShellAsync(worktree, "echo first; echo warn >&2; while [ ! -e /workspace/go ]; do sleep 0.02; done; echo last",
            s => s with { OnOutput = line => { lines.Enqueue(line); if (line.Text == "first") { first.TrySetResult(line); } } });
        var line = await first.Task.WaitAsync(TestDefaults.Timeout);
        run.IsCompleted.ShouldBeFalse();
        await File.WriteAllTextAsync(worktree.File("go"), "");
        var result = await run.WaitAsync(TestDefaults.Timeout);

        line.Stream.ShouldBe(OutputStream.Stdout);
        result.Stdout.ShouldBe("first\nlast\n");
        lines.ShouldContain(l => l.Stream == OutputStream.Stderr && l.Text == "warn");
        lines.Last(l => l.Stream == OutputStream.Stdout).Text.ShouldBe("last");
    }

    [Fact]
    public async Task RunAsync_HugeLineWithoutNewline_ArrivesInBoundedPieces()
    {
        using var worktree = new TempFolder();
        var pieces = new System.Collections.Concurrent.ConcurrentQueue<OutputLine>();

        var result = await jail.ShellAsync(worktree, "head -c 100000 /dev/zero | tr '\\0' x",
            s => s with { OnOutput = pieces.Enqueue, MaxOutputChars = 4096 });

        result.Truncated.ShouldBeTrue();
        pieces.ShouldAllBe(p => p.Text.Length <= jail.Options.MaxLineChars);
        pieces.Sum(p => p.Text.Length).ShouldBe(100000);
    }

    [Fact]
    public async Task RunAsync_ListenerThrows_CommandStillCompletes()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "seq 1 3", s => s with { OnOutput = _ => throw new InvalidOperationException("listener broke") });

        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldBe("1\n2\n3\n");
    }

    [Fact]
    public async Task RunAsync_CommandReadsStdin_GetsEndOfFile()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "cat; echo eof", s => s with { Timeout = TimeSpan.FromSeconds(5) });

        result.TimedOut.ShouldBeFalse();
        result.Stdout.ShouldBe("eof\n");
    }
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class OutputTestsInNewJails(Jail jail) : OutputTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class OutputTestsInReadyJails(ReadyJailFixture jail) : OutputTests(jail), IClassFixture<ReadyJailFixture>;

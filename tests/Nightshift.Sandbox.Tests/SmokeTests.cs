using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract class SmokeTests(Jail jail)
{
    [Fact]
    public async Task RunAsync_SimpleScript_ReturnsOutputAndExitCode()
    {
        using var worktree = new TempFolder();
        var result = await jail.ShellAsync(worktree, "echo hello; echo oops >&2; exit 3");
        result.ExitCode.ShouldBe(3, result.Stderr);
        result.Stdout.ShouldBe("hello\n");
        result.Stderr.ShouldBe("oops\n");
        result.Sandboxed.ShouldBeTrue();
        result.TimedOut.ShouldBeFalse();
    }
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class SmokeTestsInNewJails(Jail jail) : SmokeTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class SmokeTestsInReadyJails(ReadyJailFixture jail) : SmokeTests(jail), IClassFixture<ReadyJailFixture>;

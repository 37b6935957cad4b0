using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public sealed class SmokeTests(Jail jail) : IClassFixture<Jail>
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

using Nightshift.Agent.Tests.Fakes;
using Nightshift.Agent.Tools;

namespace Nightshift.Agent.Tests.Tools;

public sealed class WorktreeTests : IDisposable
{
    private readonly TempTree _tree = new();

    [Theory]
    [InlineData("../outside/secret.txt", "'..' is not allowed")]
    [InlineData("src/../../outside/secret.txt", "'..' is not allowed")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("~/.ssh/id_rsa", "absolute path")]
    [InlineData(".git/config", ".git folder is off limits")]
    [InlineData("sub/.git/hooks/pre-commit", ".git folder is off limits")]
    public void Resolve_PathLeavingTheWorktree_IsRefused(string path, string expected)
    {
        var worktree = new Worktree(_tree.Root);

        Should.Throw<ToolException>(() => worktree.Resolve(path)).Message.ShouldContain(expected);
    }

    [Fact]
    public void Resolve_SymlinkToAFileOutside_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "innocent.txt"), Path.Combine(_tree.Outside, "secret.txt"));
        var worktree = new Worktree(_tree.Root);

        Should.Throw<ToolException>(() => worktree.Resolve("innocent.txt")).Message.ShouldContain("leads outside the repository");
    }

    [Fact]
    public void Resolve_SymlinkedFolderOutside_IsRefusedForFilesBeneathIt()
    {
        Directory.CreateSymbolicLink(Path.Combine(_tree.Root, "docs"), _tree.Outside);
        var worktree = new Worktree(_tree.Root);

        Should.Throw<ToolException>(() => worktree.Resolve("docs/secret.txt")).Message.ShouldContain("leads outside");
        Should.Throw<ToolException>(() => worktree.Resolve("docs/new-file.txt")).Message.ShouldContain("leads outside");
    }

    [Fact]
    public void Resolve_RelativeSymlinkThatClimbsOut_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "up"), "../outside/secret.txt");
        var worktree = new Worktree(_tree.Root);

        Should.Throw<ToolException>(() => worktree.Resolve("up"));
    }

    [Fact]
    public void Resolve_LinkWhoseDotDotClimbsFromALinkedFolder_IsRefused()
    {
        // x -> l/.. looks like the worktree's root as text, but l leads outside, so the kernel lands in l's parent there.
        Directory.CreateDirectory(Path.Combine(_tree.Outside, "deep"));
        Directory.CreateSymbolicLink(Path.Combine(_tree.Root, "l"), Path.Combine(_tree.Outside, "deep"));
        Directory.CreateSymbolicLink(Path.Combine(_tree.Root, "x"), "l/..");
        var worktree = new Worktree(_tree.Root);

        Should.Throw<ToolException>(() => worktree.Resolve("x/secret.txt")).Message.ShouldContain("leads outside");
    }

    [Fact]
    public void Resolve_LoopOfLinks_IsRefusedAsALoop()
    {
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "b"), "a");
        var worktree = new Worktree(_tree.Root);

        Should.Throw<ToolException>(() => worktree.Resolve("a")).Message.ShouldContain("loop of symbolic links");
    }

    [Fact]
    public void Resolve_SymlinkInsideTheWorktree_IsFollowed()
    {
        var target = _tree.Write("src/real.txt", "x");
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "alias.txt"), "src/real.txt");
        var worktree = new Worktree(_tree.Root);

        worktree.Resolve("alias.txt").ShouldBe(target);
        worktree.Resolve("./src//real.txt").ShouldBe(target);
    }

    [Fact]
    public void Resolve_RootReachedThroughASymlink_StillWorks()
    {
        var link = Path.Combine(_tree.Base, "link-to-repo");
        Directory.CreateSymbolicLink(link, _tree.Root);
        var target = _tree.Write("a.txt", "x");

        new Worktree(link).Resolve("a.txt").ShouldBe(target);
    }

    public void Dispose() => _tree.Dispose();
}

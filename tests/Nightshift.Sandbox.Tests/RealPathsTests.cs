using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public sealed class RealPathsTests
{
    [Fact]
    public void Resolve_LinkThenParent_AppliesParentToTheLinkTarget()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.File("a/deep"));
        Directory.CreateSymbolicLink(root.File("link"), root.File("a/deep"));

        // A lexical clean-up would say root/x; the kernel goes to a/deep first, then up to a.
        RealPaths.Resolve(root.File("link/../x")).ShouldBe(RealPaths.Resolve(root.File("a/x")));
    }

    [Fact]
    public void Resolve_RelativeLinkInMissingTail_FollowsLinkAndKeepsTail()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.File("target"));
        Directory.CreateSymbolicLink(root.File("rel"), "target");

        RealPaths.Resolve(root.File("rel/not/yet")).ShouldBe(RealPaths.Resolve(root.Path) + "/target/not/yet");
    }

    [Fact]
    public void Resolve_LinkToSystemFolder_ResolvesOutOfTheTree()
    {
        using var root = new TempFolder();
        Directory.CreateSymbolicLink(root.File("etc"), "/etc");

        RealPaths.Resolve(root.File("etc/passwd")).ShouldBe("/etc/passwd");
    }

    [Fact]
    public void Resolve_LinkLoop_ThrowsInsteadOfSpinning()
    {
        using var root = new TempFolder();
        File.CreateSymbolicLink(root.File("a"), root.File("b"));
        File.CreateSymbolicLink(root.File("b"), root.File("a"));

        Should.Throw<IOException>(() => RealPaths.Resolve(root.File("a/x"))).Message.ShouldContain("too many symbolic links");
    }

    [Fact]
    public void Resolve_ParentsAboveRoot_StayAtRoot()
    {
        RealPaths.Resolve("/../../tmp/../..").ShouldBe("/");
    }

    [Fact]
    public void Resolve_Empty_Throws()
    {
        Should.Throw<ArgumentException>(() => RealPaths.Resolve(""));
    }
}

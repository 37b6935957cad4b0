using Nightshift.TestKit.Sandbox;
using Nightshift.Workspaces.Files;

namespace Nightshift.Workspaces.Tests.SetupCache;

public sealed class TreeCopyTests
{
    [Theory]
    [InlineData("node_modules/.bin/tsc", "../typescript/bin/tsc", true)]
    [InlineData("a/b/c", "../../x", true)]
    [InlineData("a/b", "sibling", true)]
    [InlineData(".venv/bin/python", "/usr/bin/python3", true)]
    [InlineData("node_modules/x", "/cache/pnpm/store/x", true)]
    [InlineData("a/b", "../../x", false)]
    [InlineData("top", "..", false)]
    [InlineData("a/b", "/etc/passwd", false)]
    [InlineData("a/b", "/usr/../etc/passwd", false)]
    [InlineData("a/b", "x/../../..", false)]
    [InlineData("a/b", "./x", false)]
    [InlineData("a/b", "", false)]
    public void LinkAllowed_Targets_OnlyThoseStayingInsideOrInTheSystemFolders(string link, string target, bool allowed) =>
        TreeCopy.LinkAllowed(link, target).ShouldBe(allowed);

    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("")]
    public void Copy_PathThatIsNotPlain_IsRefused(string path)
    {
        using var source = new TempFolder();
        using var destination = new TempFolder();

        Should.Throw<TreeCopyException>(() => TreeCopy.Copy(source.Path, [path], destination.Path, 1000));
    }

    [Fact]
    public void Copy_FolderOnTheWayIsALinkInTheSource_IsRefusedAndNothingRemains()
    {
        using var source = new TempFolder();
        using var outside = new TempFolder();
        using var destination = new TempFolder();
        File.WriteAllText(source.File("first.txt"), "1");
        File.WriteAllText(outside.File("secret.txt"), "host secret");
        File.CreateSymbolicLink(source.File("through"), outside.Path);

        var error = Should.Throw<TreeCopyException>(() => TreeCopy.Copy(source.Path, ["first.txt", "through/secret.txt"], destination.Path, 1000));

        error.Message.ShouldContain("not a folder");
        Directory.EnumerateFileSystemEntries(destination.Path).ShouldBeEmpty();
    }

    [Fact]
    public void Copy_SetuidFile_LosesTheSetuidBit()
    {
        using var source = new TempFolder();
        using var destination = new TempFolder();
        File.WriteAllText(source.File("tool"), "#!/bin/sh\n");
        File.SetUnixFileMode(source.File("tool"), UnixFileMode.SetUser | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        TreeCopy.Copy(source.Path, ["tool"], destination.Path, 1000);

        var mode = File.GetUnixFileMode(destination.File("tool"));
        mode.HasFlag(UnixFileMode.SetUser).ShouldBeFalse();
        mode.HasFlag(UnixFileMode.UserExecute).ShouldBeTrue();
    }

    [Fact]
    public void Copy_ExistingFileInTheDestination_IsNotOverwritten()
    {
        using var source = new TempFolder();
        using var destination = new TempFolder();
        File.WriteAllText(source.File("a.txt"), "from the cache");
        File.WriteAllText(destination.File("a.txt"), "tracked");

        Should.Throw<TreeCopyException>(() => TreeCopy.Copy(source.Path, ["a.txt"], destination.Path, 1000, sourceIsOurs: true))
            .Message.ShouldContain("already in the destination");

        File.ReadAllText(destination.File("a.txt")).ShouldBe("tracked");
    }
}

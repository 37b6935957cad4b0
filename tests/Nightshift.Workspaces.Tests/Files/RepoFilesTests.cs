using System.Diagnostics;
using System.Text;
using Nightshift.TestKit;
using Nightshift.Workspaces.Files;

namespace Nightshift.Workspaces.Tests.Files;

public sealed class RepoFilesTests : IDisposable
{
    private readonly HostileTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task ReadAsync_RegularFile_ReturnsItWhole()
    {
        var content = await RepoFiles.ReadAsync(_tree.Root, "src/app.js", 1_000, TestDefaults.TimeoutToken());

        Encoding.UTF8.GetString(content.Bytes).ShouldBe("console.log('hi');\n");
        content.Truncated.ShouldBeFalse();
        content.FileSize.ShouldBe(19);
    }

    [Fact]
    public async Task ReadAsync_AbsolutePathInsideTheRoot_IsRead()
    {
        var content = await RepoFiles.ReadAsync(_tree.Root, Path.Combine(_tree.Root, "src", "app.js"), 1_000, TestDefaults.TimeoutToken());

        content.Bytes.Length.ShouldBe(19);
    }

    [Fact]
    public async Task ReadAsync_FileOverTheBound_IsCutAndSaysSo()
    {
        var clock = Stopwatch.StartNew();

        var content = await RepoFiles.ReadAsync(_tree.Root, "big.txt", 4_096, TestDefaults.TimeoutToken());

        content.Bytes.Length.ShouldBe(4_096);
        content.Truncated.ShouldBeTrue();
        content.FileSize.ShouldBe(100L * 1024 * 1024);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Read_FileExactlyAtTheBound_IsNotCut()
    {
        var content = RepoFiles.Read(_tree.Root, "src/app.js", 19);

        content.Truncated.ShouldBeFalse();
        content.Bytes.Length.ShouldBe(19);
    }

    [Fact]
    public async Task ReadAsync_Fifo_IsRefusedAtOnceWithAClearMessage()
    {
        var read = Task.Run(() => RepoFiles.ReadAsync(_tree.Root, "trap.py", 1_000, TestDefaults.TimeoutToken()));

        var error = await Should.ThrowAsync<RepoFileException>(read.WaitAsync(TestDefaults.Timeout));

        error.Kind.ShouldBe(RepoFileKind.Fifo);
        error.Message.ShouldBe("'trap.py' is a FIFO, not a regular file: Nightshift reads regular files only");
    }

    [Fact]
    public void Read_Socket_IsRefused()
    {
        var error = Should.Throw<RepoFileException>(() => RepoFiles.Read(_tree.Root, "sock", 1_000));

        error.Kind.ShouldBe(RepoFileKind.Socket);
        error.Message.ShouldContain("socket");
    }

    [Theory]
    [InlineData("zero")]
    [InlineData("package.json")]
    [InlineData("app-link.js")]
    public void Read_LinkInTheLastComponent_IsRefusedEvenWhenItStaysInside(string path)
    {
        var error = Should.Throw<RepoFileException>(() => RepoFiles.Read(_tree.Root, path, 1_000));

        error.Kind.ShouldBe(RepoFileKind.SymbolicLink);
        error.Message.ShouldContain("symbolic link");
    }

    [Theory]
    [InlineData("escape/secret.txt")]
    [InlineData("hostroot/etc/passwd")]
    [InlineData("hostroot/dev/zero")]
    [InlineData("src/../../outside/secret.txt")]
    public void Read_LinkOrDotsInAnIntermediateFolderLeadingOut_IsRefused(string path)
    {
        var error = Should.Throw<RepoFileException>(() => RepoFiles.Read(_tree.Root, path, 1_000));

        error.Kind.ShouldBe(RepoFileKind.OutsideRoot);
        error.Message.ShouldContain("leads outside the repository");
    }

    [Fact]
    public void Read_LinkInAnIntermediateFolderStayingInside_IsRead()
    {
        RepoFiles.Read(_tree.Root, "inside/app.js", 1_000).Bytes.Length.ShouldBe(19);
        RepoFiles.Read(_tree.Root, "l1/l2/src/app.js", 1_000).Bytes.Length.ShouldBe(19);
    }

    [Fact]
    public void Read_AbsolutePathOutsideTheRoot_IsRefused()
    {
        var error = Should.Throw<RepoFileException>(() => RepoFiles.Read(_tree.Root, Path.Combine(_tree.Outside, "secret.txt"), 1_000));

        error.Kind.ShouldBe(RepoFileKind.OutsideRoot);
    }

    [Fact]
    public void Read_LoopOfLinksOnTheWay_IsRefused()
    {
        _tree.Link("loop-a", "loop-b");
        _tree.Link("loop-b", "loop-a");

        Should.Throw<RepoFileException>(() => RepoFiles.Read(_tree.Root, "loop-a/x", 1_000)).Message.ShouldContain("loop of symbolic links");
    }

    [Theory]
    [InlineData("src", RepoFileKind.Directory)]
    [InlineData("missing.txt", RepoFileKind.Missing)]
    [InlineData("src/missing/deeper.txt", RepoFileKind.Missing)]
    public void Read_FolderOrMissing_IsRefusedWithItsKind(string path, RepoFileKind kind)
    {
        Should.Throw<RepoFileException>(() => RepoFiles.Read(_tree.Root, path, 1_000)).Kind.ShouldBe(kind);
    }

    [Fact]
    public void Read_NulInThePath_IsRefused()
    {
        Should.Throw<RepoFileException>(() => RepoFiles.Read(_tree.Root, "src/app.js\0.txt", 1_000)).Message.ShouldContain("NUL");
    }

    [Fact]
    public async Task ReadAsync_CancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => RepoFiles.ReadAsync(_tree.Root, "big.txt", long.MaxValue, cancelled.Token));
    }

    [Fact]
    public void Read_NegativeBound_IsAnArgumentError()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => RepoFiles.Read(_tree.Root, "src/app.js", -1));
    }

    [Theory]
    [InlineData("src/app.js", RepoFileKind.Regular)]
    [InlineData("src", RepoFileKind.Directory)]
    [InlineData("zero", RepoFileKind.SymbolicLink)]
    [InlineData("hostroot", RepoFileKind.SymbolicLink)]
    [InlineData("trap.py", RepoFileKind.Fifo)]
    [InlineData("sock", RepoFileKind.Socket)]
    [InlineData("nothing", RepoFileKind.Missing)]
    [InlineData("hostroot/etc/passwd", RepoFileKind.OutsideRoot)]
    [InlineData("escape/secret.txt", RepoFileKind.OutsideRoot)]
    [InlineData("", RepoFileKind.Directory)]
    public void Stat_EachKindOfEntry_IsNamedWithoutFollowingTheLastLink(string path, RepoFileKind kind)
    {
        RepoFiles.Stat(_tree.Root, path).Kind.ShouldBe(kind);
    }

    [Fact]
    public void Stat_SparseFile_ReportsItsSizeWithoutReadingIt()
    {
        RepoFiles.Stat(_tree.Root, "big.txt").Size.ShouldBe(100L * 1024 * 1024);
    }

    [Theory]
    [InlineData("trap.py", RepoFileKind.Fifo)]
    [InlineData("sock", RepoFileKind.Socket)]
    [InlineData("src", RepoFileKind.Directory)]
    [InlineData("zero", RepoFileKind.SymbolicLink)]
    public void EnsureWritable_SomethingThatIsNotARegularFile_IsRefused(string path, RepoFileKind kind)
    {
        Should.Throw<RepoFileException>(() => RepoFiles.EnsureWritable(_tree.Root, path)).Kind.ShouldBe(kind);
    }

    [Fact]
    public void EnsureWritable_RegularOrMissing_Passes()
    {
        RepoFiles.EnsureWritable(_tree.Root, "src/app.js");
        RepoFiles.EnsureWritable(_tree.Root, "src/new.js");
        Should.Throw<RepoFileException>(() => RepoFiles.EnsureWritable(_tree.Root, "escape/new.txt")).Kind.ShouldBe(RepoFileKind.OutsideRoot);
    }
}

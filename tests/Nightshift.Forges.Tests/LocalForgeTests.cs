using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Forges;

namespace Nightshift.Forges.Tests;

public sealed class LocalForgeTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("ns-forge-").FullName;

    private static PullRequestDraft Draft(string taskId, string title = "Fix add") =>
        new(taskId, "/repos/calc", "nightshift/abcd1234-fix-add", "main", title, "## Summary\nFixed.", "diff --git a/x b/x\n", Draft: false);

    [Fact]
    public async Task OpenAsync_ThenFind_ReturnsTheRecord()
    {
        var forge = new LocalForge(_data, TimeProvider.System);
        var id = TaskId.New(TimeProvider.System);

        var opened = await forge.OpenAsync(Draft(id));
        var found = await new LocalForge(_data, TimeProvider.System).FindAsync(id);

        opened.Reference.ShouldBe($"local:{id}");
        found.ShouldBe(opened);
    }

    [Fact]
    public async Task OpenAsync_Twice_UpdatesAndKeepsTheOpeningTime()
    {
        var forge = new LocalForge(_data, TimeProvider.System);
        var id = TaskId.New(TimeProvider.System);

        var first = await forge.OpenAsync(Draft(id));
        var second = await forge.OpenAsync(Draft(id, "Fix add, take two") with { Draft = true });

        second.OpenedAt.ShouldBe(first.OpenedAt);
        second.Title.ShouldBe("Fix add, take two");
        second.Draft.ShouldBeTrue();
        Directory.GetFiles(Path.Combine(_data, "forge", "pulls")).Length.ShouldBe(1);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    [InlineData("01JD")]
    public async Task FindAsync_IdThatIsNotATaskId_IsRefused(string id)
    {
        await Should.ThrowAsync<ArgumentException>(() => new LocalForge(_data, TimeProvider.System).FindAsync(id));
    }

    [Fact]
    public async Task FindAsync_NeverOpened_IsNull()
    {
        (await new LocalForge(_data, TimeProvider.System).FindAsync(TaskId.New(TimeProvider.System))).ShouldBeNull();
    }

    public void Dispose() => Directory.Delete(_data, true);
}

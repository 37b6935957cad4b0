using Nightshift.Core.Errors;
using Nightshift.Core.Execution;
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

    [Fact]
    public async Task OpenAsync_UnderAFenceWhoseLeaseWasLost_LeavesTheNewOwnersRecordAndNoTempFile()
    {
        var forge = new LocalForge(_data, TimeProvider.System);
        var id = TaskId.New(TimeProvider.System);
        await forge.OpenAsync(Draft(id, "The new owner's record"));

        await Should.ThrowAsync<LeaseLostException>(() => WriteFence.RunAsync(
            _ => throw new LeaseLostException(id, "another worker holds it now"),
            () => forge.OpenAsync(Draft(id, "A stale attempt's record"))));

        (await forge.FindAsync(id))!.Title.ShouldBe("The new owner's record");
        Directory.GetFiles(Path.Combine(_data, "forge", "pulls")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task OpenAsync_UnderAFenceThatHolds_WritesAndChecksOnce()
    {
        var forge = new LocalForge(_data, TimeProvider.System);
        var id = TaskId.New(TimeProvider.System);
        var checks = 0;

        var opened = await WriteFence.RunAsync(
            _ =>
            {
                Interlocked.Increment(ref checks);
                return Task.CompletedTask;
            },
            () => forge.OpenAsync(Draft(id)));

        checks.ShouldBe(1);
        (await forge.FindAsync(id)).ShouldBe(opened);
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

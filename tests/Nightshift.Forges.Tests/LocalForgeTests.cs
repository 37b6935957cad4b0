using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;

namespace Nightshift.Forges.Tests;

public sealed class LocalForgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);

    private static PullRequestDraft Draft(string taskId, string title = "Fix add") =>
        new(taskId, "/repos/calc", "nightshift/abcd1234-fix-add", "main", title, "## Summary\nFixed.", "diff --git a/x b/x\n", Draft: false);

    [Fact]
    public async Task OpenAsync_Draft_ReturnsTheRecordNamedAfterTheTask()
    {
        var forge = new LocalForge(new FixedClock(Now));
        var id = TaskId.New(TimeProvider.System);

        var opened = await forge.OpenAsync(Draft(id) with { Draft = true });

        opened.ShouldBe(new PullRequest(
            id, "local", $"local:{id}", "/repos/calc", "nightshift/abcd1234-fix-add", "main", "Fix add", "## Summary\nFixed.",
            "diff --git a/x b/x\n", true, Now, Now));
        forge.Name.ShouldBe("local");
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    [InlineData("01JD")]
    public async Task OpenAsync_IdThatIsNotATaskId_IsRefused(string id)
    {
        var error = await Should.ThrowAsync<ArgumentException>(() => new LocalForge(TimeProvider.System).OpenAsync(Draft(id)));

        error.Message.ShouldContain("not a task id");
    }

    [Fact]
    public async Task OpenAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => new LocalForge(TimeProvider.System).OpenAsync(Draft(TaskId.New(TimeProvider.System)), cancelled.Token));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

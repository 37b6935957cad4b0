using Nightshift.Core.Errors;
using Nightshift.Core.Execution;

namespace Nightshift.Core.Tests.Execution;

public sealed class WriteFenceTests
{
    [Fact]
    public async Task CheckAsync_OutsideAFence_DoesNothing()
    {
        WriteFence.IsActive.ShouldBeFalse();

        await WriteFence.CheckAsync();
    }

    [Fact]
    public async Task CheckAsync_DeepInsideTheBodyAndItsTasks_CallsTheBodysOwnCheck()
    {
        var checks = 0;

        var seen = await WriteFence.RunAsync(
            _ =>
            {
                Interlocked.Increment(ref checks);
                return Task.CompletedTask;
            },
            async () =>
            {
                await Task.Yield();
                await Task.WhenAll(Task.Run(() => WriteFence.CheckAsync()), Task.Run(() => WriteFence.CheckAsync()));
                return WriteFence.IsActive;
            });

        seen.ShouldBeTrue();
        checks.ShouldBe(2);
        WriteFence.IsActive.ShouldBeFalse("the fence never leaks into the caller");
    }

    [Fact]
    public async Task CheckAsync_TwoBodiesSideBySide_EachSeesOnlyItsOwnLease()
    {
        var oldOwner = WriteFence.RunAsync(
            _ => throw new LeaseLostException("t1", "reclaimed"),
            async () =>
            {
                await Task.Yield();
                await WriteFence.CheckAsync();
                return "wrote";
            });
        var newOwner = WriteFence.RunAsync(
            _ => Task.CompletedTask,
            async () =>
            {
                await Task.Yield();
                await WriteFence.CheckAsync();
                return "wrote";
            });

        await Should.ThrowAsync<LeaseLostException>(() => oldOwner);
        (await newOwner).ShouldBe("wrote");
    }

    [Fact]
    public void RunAsync_MissingArguments_Throw()
    {
        Should.Throw<ArgumentNullException>(() => WriteFence.RunAsync<int>(null!, () => Task.FromResult(1)));
        Should.Throw<ArgumentNullException>(() => WriteFence.RunAsync<int>(_ => Task.CompletedTask, null!));
    }
}

using Nightshift.Core.Tasks;

namespace Nightshift.Core.Tests.Tasks;

public sealed class TaskIdTests
{
    [Fact]
    public void New_ManyIds_AreUniqueWellFormedAndSortByTime()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ids = Enumerable.Range(0, 2_000).Select(_ => TaskId.New(clock.Step())).ToList();

        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.ShouldAllBe(id => TaskId.LooksValid(id));
        ids.ShouldBe(ids.OrderBy(i => i, StringComparer.Ordinal).ToList());
        ids.Select(TaskId.Short).Distinct().Count().ShouldBe(ids.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("01jabcdefghjkmnpqrstvwxyzu")]
    [InlineData("01JABCDEFGHJKMNPQRSTVWXYZ0")]
    public void LooksValid_Junk_IsFalse(string? id)
    {
        TaskId.LooksValid(id).ShouldBeFalse();
    }

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public SteppingClock Step()
        {
            _now = _now.AddMilliseconds(1);
            return this;
        }

        public override DateTimeOffset GetUtcNow() => _now;
    }
}

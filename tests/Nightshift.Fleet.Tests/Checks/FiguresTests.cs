using Nightshift.Bench.Fleet.Checks;
using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Fleet.Tests.Checks;

/// <summary>The figures' arithmetic on known numbers: nearest-rank percentiles, medians, memory per running task, the report's tables.</summary>
public sealed class FiguresTests
{
    [Fact]
    public void Percentiles_AreNearestRank()
    {
        var hundred = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();

        Percentiles.Of(hundred, 99).ShouldBe(99);
        Percentiles.Of(hundred, 50).ShouldBe(50);
        Percentiles.Of(hundred, 100).ShouldBe(100);
        Percentiles.Of([7, 3, 1000], 99).ShouldBe(1000);
        Percentiles.Of([7, 3, 1000], 50).ShouldBe(7);
        Percentiles.Of([], 99).ShouldBe(0);
    }

    [Fact]
    public void Median_IsTheMiddleOrTheMeanOfTheTwoMiddles()
    {
        Percentiles.Median([4, 1, 9]).ShouldBe(4);
        Percentiles.Median([4, 1, 9, 5]).ShouldBe(4.5);
        Percentiles.Median([]).ShouldBeNull();
    }

    [Fact]
    public void MemoryPerRunningTask_SubtractsTheIdleBaselinePerWorker()
    {
        var at = DateTimeOffset.UnixEpoch;
        MemorySample[] samples =
        [
            new(at, 300, 3, 0), // 100 per worker idle
            new(at, 250, 2, 1), // a worker was killed: baseline 200, 50 for one task
            new(at, 390, 3, 3), // baseline 300, 30 per task
        ];

        Figures.MemoryPerRunningTask(samples).ShouldBe(40);
        Figures.MemoryPerRunningTask([new(at, 300, 3, 0)]).ShouldBeNull();
        // No idle sample: the lowest per worker of all samples is the baseline.
        Figures.MemoryPerRunningTask([new(at, 200, 2, 1), new(at, 260, 2, 2)]).ShouldBe(15);
    }

    [Fact]
    public void LeaseOwner_MapsToTheWorkerLabelByProcessId()
    {
        WorkerInfo[] workers =
        [
            new("w1", 10, "/d/w1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "sigkill"),
            new("w1", 11, "/d/w1", DateTimeOffset.UnixEpoch, null, null),
            new("w2", 12, "/d/w2", DateTimeOffset.UnixEpoch, null, null),
        ];

        Attempts.LabelOf("host:11:0", workers).ShouldBe("w1");
        Attempts.LabelOf("host:12:3", workers).ShouldBe("w2");
        Attempts.LabelOf("host:99:0", workers).ShouldBeNull();
        Attempts.LabelOf("host@0a1b2c3d4e5f:12:3", workers).ShouldBe("w2", "a lease owner whose machine carries the worker's data-folder token");
        Attempts.LabelOf("garbage", workers).ShouldBeNull();
        Attempts.LabelOf(null, workers).ShouldBeNull();
    }

    [Fact]
    public void TextTable_AlignsColumnsAndEscapesMarkdown()
    {
        var table = new TextTable("name", "count").Add("a|b", "7").Add("longer", "1234");

        table.ToText("").Split('\n')[1].ShouldBe("a|b" + new string(' ', 9) + "7");
        table.ToText("").Split('\n')[0].ShouldBe("name    count");
        table.ToMarkdown().ShouldContain("| a\\|b | 7 |");
        table.ToMarkdown().ShouldContain("|---|---:|");
        Should.Throw<ArgumentException>(() => table.Add("only one"));
    }
}

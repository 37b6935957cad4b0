using Nightshift.Cli.Output;
using Nightshift.Cli.Tests.Api;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;

namespace Nightshift.Cli.Tests.Output;

public sealed class TaskTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static TaskRecord Task(string id, string title, TaskState status = TaskState.Succeeded, UsageTotals? usage = null) =>
        SampleTasks.Task(id, status) with
        {
            Title = title,
            Repo = "https://github.com/example-organisation/a-rather-long-repository-name.git",
            CreatedAt = Now.AddSeconds(-52),
            Usage = usage ?? UsageTotals.Zero,
        };

    private static readonly UsageTotals Unpriced = new(100, 10, 0, 0m, 2, 2);
    private static readonly UsageTotals PartlyPriced = new(100, 10, 0, 0.0123m, 2, 1);

    private static IReadOnlyList<string> Sample(int width) => TaskTable.Lines(
        [
            Task("01jcq5v1x0aaaaaaaa11111111", "Three steps: add the model, wire the endpoint and write the tests for the new login flow", TaskState.Running, PartlyPriced) with { Phase = TaskPhase.Building },
            Task("01jcq5v1x0aaaaaaaa22222222", "short", usage: Unpriced),
            Task("01jcq5v1x0aaaaaaaa33333333", "fix it", usage: new UsageTotals(1, 1, 0, 1.5m, 1, 0)),
        ],
        Now,
        width);

    [Fact]
    public void Lines_At80Columns_FitAndCutTheLongTitle()
    {
        var lines = Sample(80);
        TerminalArtifacts.Save("ls-80", string.Join('\n', lines) + "\n");

        lines.Count.ShouldBe(4);
        lines.ShouldAllBe(l => l.Length <= 80);
        lines[1].ShouldContain("Three steps");
        lines[1].ShouldContain("…");
        lines[1].ShouldNotContain("new login flow");
        // With a lower-bound cost and a phase there is no room for the repository: the title is worth more.
        lines[0].ShouldNotContain("REPO");
    }

    [Fact]
    public void Lines_At80ColumnsWithShortCells_KeepTheRepositoryCut()
    {
        var lines = TaskTable.Lines([Task("01jcq5v1x0aaaaaaaa66666666", "Add a health check endpoint to the service and document it")], Now, 80);

        lines.ShouldAllBe(l => l.Length <= 80);
        lines[0].ShouldContain("REPO");
        lines[1].ShouldContain("Add a health check");
        lines[1].ShouldContain("example-organisation/a-rather-long-repository-name"[..6]);
    }

    [Fact]
    public void Lines_At80Columns_ColumnsLineUpAndCostsAreWhole()
    {
        var lines = Sample(80);

        var cost = lines[0].IndexOf("COST", StringComparison.Ordinal);
        lines[1][cost..].ShouldBe("unknown (at least $0.0123)");
        lines[2][cost..].ShouldBe("unknown");
        lines[3][cost..].ShouldBe("$1.50");
        var created = lines[0].IndexOf("CREATED", StringComparison.Ordinal);
        lines.Skip(1).ShouldAllBe(l => l.Substring(created, 7) == "52s ago");
        var status = lines[0].IndexOf("STATUS", StringComparison.Ordinal);
        lines[1][status..].ShouldStartWith("running (building)");
        lines[1].ShouldStartWith("11111111  ");
    }

    [Fact]
    public void Lines_WideTerminal_CutsNothing()
    {
        var lines = Sample(250);

        lines[1].ShouldContain("new login flow");
        lines[1].ShouldContain("example-organisation/a-rather-long-repository-name");
        lines.ShouldAllBe(l => !l.Contains('…'));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(20)]
    public void Lines_NarrowerThanTheFixedColumns_DoNotThrowAndKeepTheId(int width)
    {
        var lines = Sample(width);

        lines.Count.ShouldBe(4);
        lines[1].ShouldStartWith("11111111");
    }

    [Fact]
    public void Lines_HostileTitle_IsFlattenedToOneLine()
    {
        var lines = TaskTable.Lines([Task("01jcq5v1x0aaaaaaaa44444444", "ok\u001b]0;pwned\u0007\r\nnext\u202e line")], Now, 80);

        lines.Count.ShouldBe(2);
        lines[1].ShouldNotContain("\u001b");
        lines[1].ShouldNotContain("\n");
        lines[1].ShouldNotContain("\u202e");
    }

    [Fact]
    public void Lines_WideCharacters_AreMeasuredInTerminalCells()
    {
        var lines = TaskTable.Lines([Task("01jcq5v1x0aaaaaaaa55555555", string.Concat(Enumerable.Repeat("修正する", 20)))], Now, 80);

        lines[1].ShouldEndWith("$0.00");
        Spectre.Console.StringExtensions.GetCellWidth(lines[1]).ShouldBeLessThanOrEqualTo(80);
    }

    [Theory]
    [InlineData("https://github.com/o/r", "o/r")]
    [InlineData("https://gitlab.example/group/sub/name.git", "sub/name")]
    [InlineData("git@github.com:o/r.git", "o/r")]
    [InlineData("/home/ana/src/app/", "src/app")]
    [InlineData("app", "app")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("https://", "")]
    public void RepoName_Forms_ReadAsTheirLastTwoParts(string? repo, string expected) =>
        TaskTable.RepoName(repo).ShouldBe(expected);

    [Theory]
    [InlineData("abcdef", 6, "abcdef")]
    [InlineData("abcdef", 4, "abc…")]
    [InlineData("ab  cdef", 4, "ab…")]
    [InlineData("abcdef", 1, "…")]
    [InlineData("abcdef", 0, "")]
    public void Fit_Text_IsCutWithAnEllipsis(string text, int width, string expected) =>
        TaskTable.Fit(text, width).ShouldBe(expected);
}

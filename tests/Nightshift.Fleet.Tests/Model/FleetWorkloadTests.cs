using System.Text.Json;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Workload;

namespace Nightshift.Fleet.Tests.Model;

/// <summary>The seeded task mix: its shares, its shapes, and that a seed gives the same list.</summary>
public sealed class FleetWorkloadTests
{
    private static readonly string[] Remotes = ["/r/repo-1.git", "/r/repo-2.git", "/r/repo-3.git"];

    [Fact]
    public void Generate_100_HasTheMixShares()
    {
        var specs = FleetWorkload.Generate(1, 100, Remotes);

        var counts = specs.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());
        counts.ShouldBe(new Dictionary<FleetTaskKind, int>
        {
            [FleetTaskKind.Single] = 35,
            [FleetTaskKind.Planned] = 30,
            [FleetTaskKind.Approval] = 10,
            [FleetTaskKind.Cancel] = 10,
            [FleetTaskKind.ModelFailure] = 15,
        }, ignoreOrder: true);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(12)]
    [InlineData(501)]
    public void Generate_FiveOrMore_HasEveryKind_AndExactlyTheCount(int count)
    {
        var specs = FleetWorkload.Generate(3, count, Remotes);

        specs.Count.ShouldBe(count);
        specs.Select(s => s.Kind).Distinct().Count().ShouldBe(Enum.GetValues<FleetTaskKind>().Length);
    }

    [Fact]
    public void Generate_SameSeed_SameList_OtherSeed_OtherOrder()
    {
        var a = Json(FleetWorkload.Generate(42, 60, Remotes));
        var b = Json(FleetWorkload.Generate(42, 60, Remotes));
        var c = Json(FleetWorkload.Generate(43, 60, Remotes));

        b.ShouldBe(a);
        c.ShouldNotBe(a);
    }

    [Fact]
    public void Generate_MarkersNumbersRepositoriesAndShapes()
    {
        var specs = FleetWorkload.Generate(9, 20, Remotes);

        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            spec.Number.ShouldBe(i + 1);
            spec.Marker.ShouldBe($"ft{i + 1:D4}");
            spec.Repository.ShouldBe(Remotes[i % Remotes.Length]);
            spec.Instruction.ShouldContain($"[fleet {spec.Marker}]");
            spec.RequirePlanApproval.ShouldBe(spec.Kind == FleetTaskKind.Approval);
            foreach (var subtask in spec.Subtasks)
            {
                spec.Instruction.ShouldContain($"{spec.Marker}-{subtask.Id}.txt");
            }
            if (spec.Kind is FleetTaskKind.Single or FleetTaskKind.ModelFailure)
            {
                spec.Subtasks.ShouldHaveSingleItem().ShouldBe(new FleetSubtaskSpec("s1", []), new SubtaskComparer());
            }
            else
            {
                spec.Subtasks.Select(s => $"{s.Id}<{string.Join('+', s.DependsOn)}").ShouldBe(["s1<", "s2<s1", "s3<s1", "s4<s2+s3"]);
            }
        }
    }

    [Fact]
    public void Generate_RefusesWhatCannotBeSubmitted()
    {
        FleetWorkload.Generate(1, 0, []).ShouldBeEmpty();
        Should.Throw<ArgumentException>(() => FleetWorkload.Generate(1, 3, [])).Message.ShouldContain("at least one repository");
        Should.Throw<ArgumentOutOfRangeException>(() => FleetWorkload.Generate(1, 10_000, Remotes)).Message.ShouldContain("9999");
        Should.Throw<ArgumentOutOfRangeException>(() => FleetWorkload.Generate(1, -1, Remotes));
    }

    private static string Json(IReadOnlyList<FleetTaskSpec> specs) => JsonSerializer.Serialize(specs);

    private sealed class SubtaskComparer : IEqualityComparer<FleetSubtaskSpec>
    {
        public bool Equals(FleetSubtaskSpec? x, FleetSubtaskSpec? y) =>
            x is not null && y is not null && x.Id == y.Id && x.DependsOn.SequenceEqual(y.DependsOn);

        public int GetHashCode(FleetSubtaskSpec obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}

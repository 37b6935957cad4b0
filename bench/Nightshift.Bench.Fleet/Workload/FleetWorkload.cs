using System.Globalization;
using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>The seeded task mix.</summary>
/// <remarks>
/// About 35 % Single (one subtask), 30 % Planned (s1; s2 and s3 after s1, built in parallel; s4 after both), 10 %
/// Approval and 10 % Cancel (the Planned shape), 15 % ModelFailure (the Single shape). The counts are the shares of
/// <c>count</c> rounded by largest remainder, at least one of each kind from five tasks on; the seed shuffles their
/// order. Repositories are taken round-robin; markers are <c>ft0001</c>, <c>ft0002</c>…
/// </remarks>
public static class FleetWorkload
{
    private static readonly (FleetTaskKind Kind, double Share)[] Mix =
    [
        (FleetTaskKind.Single, 0.35),
        (FleetTaskKind.Planned, 0.30),
        (FleetTaskKind.Approval, 0.10),
        (FleetTaskKind.Cancel, 0.10),
        (FleetTaskKind.ModelFailure, 0.15),
    ];

    private static readonly FleetSubtaskSpec[] OneFile = [new("s1", [])];

    private static readonly FleetSubtaskSpec[] FourFiles =
    [
        new("s1", []),
        new("s2", ["s1"]),
        new("s3", ["s1"]),
        new("s4", ["s2", "s3"]),
    ];

    /// <summary><paramref name="count"/> task specs over the given remotes; the same seed gives the same list.</summary>
    public static IReadOnlyList<FleetTaskSpec> Generate(int seed, int count, IReadOnlyList<string> remotes)
    {
        ArgumentNullException.ThrowIfNull(remotes);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > 0 && remotes.Count == 0)
        {
            throw new ArgumentException("the workload needs at least one repository to submit tasks to", nameof(remotes));
        }
        if (count > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "markers have four digits (ft0001…ft9999): submit at most 9999 tasks");
        }
        var kinds = Kinds(count);
        var random = new Random(seed);
        for (var i = kinds.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (kinds[i], kinds[j]) = (kinds[j], kinds[i]);
        }
        return [.. kinds.Select((kind, i) => Spec(i + 1, kind, remotes[i % remotes.Count]))];
    }

    /// <summary>The file a subtask writes, as the instruction names it.</summary>
    public static string FileName(string marker, string subtask) => FleetAnswers.FileName(marker, subtask);

    private static List<FleetTaskKind> Kinds(int count)
    {
        var shares = Mix.Select(m => count * m.Share).ToArray();
        var counts = shares.Select(s => (int)Math.Floor(s)).ToArray();
        var left = count - counts.Sum();
        foreach (var i in Enumerable.Range(0, Mix.Length).OrderByDescending(i => shares[i] - counts[i]).ThenBy(i => i).Take(left))
        {
            counts[i]++;
        }
        if (count >= Mix.Length)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] == 0)
                {
                    var donor = Array.IndexOf(counts, counts.Max());
                    counts[donor]--;
                    counts[i]++;
                }
            }
        }
        return [.. Mix.SelectMany((m, i) => Enumerable.Repeat(m.Kind, counts[i]))];
    }

    private static FleetTaskSpec Spec(int number, FleetTaskKind kind, string repository)
    {
        var marker = string.Create(CultureInfo.InvariantCulture, $"ft{number:D4}");
        var subtasks = kind is FleetTaskKind.Single or FleetTaskKind.ModelFailure ? OneFile : FourFiles;
        return new FleetTaskSpec(number, marker, kind, repository, subtasks, Instruction(marker, subtasks), kind == FleetTaskKind.Approval);
    }

    private static string Instruction(string marker, IReadOnlyList<FleetSubtaskSpec> subtasks)
    {
        if (subtasks.Count == 1)
        {
            var file = FileName(marker, subtasks[0].Id);
            return $"Add the file {file} at the repository's root. Its first line must be '{marker}-{subtasks[0].Id}'; "
                + $"sh check.sh checks it. [fleet {marker}]";
        }
        var files = string.Join(", ", subtasks.Select(s => FileName(marker, s.Id)));
        var order = string.Join("; ", subtasks.Select(s => s.DependsOn.Count == 0 ? $"{s.Id} first" : $"{s.Id} after {string.Join(" and ", s.DependsOn)}"));
        return $"Add the files {files} at the repository's root, one subtask per file ({order}). "
            + $"Each file's first line must be its own name without .txt; sh check.sh checks them. [fleet {marker}]";
    }
}

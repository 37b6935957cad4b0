using Nightshift.Agent.Tests.Fakes;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>What the planned-execution suites share: a harness that always plans, and plans of one-file subtasks.</summary>
internal static class PlannedRuns
{
    /// <summary>The sample repository's calculator with its bug fixed: its tests pass.</summary>
    public const string FixedCalc = "export function add(a, b) {\n  return a + b;\n}\n\nexport function mul(a, b) {\n  return a * b;\n}\n";

    /// <summary>A harness that always plans, allowing <paramref name="maxSteps"/> model steps, on a repository whose tests pass.</summary>
    public static ExecutorHarness Harness(PlanScript script, int maxSteps, Action<Dictionary<string, string?>>? settings = null)
    {
        var harness = new ExecutorHarness(script.Model, s =>
        {
            s["Agent:Planning"] = "always";
            s["Agent:Budget:MaxSteps"] = maxSteps.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings?.Invoke(s);
        });
        // A passing baseline, so a resumed attempt (which cannot re-run the baseline) judges the same as a fresh one.
        harness.Repo.Commit("fix add", ("calc.mjs", FixedCalc));
        return harness;
    }

    /// <summary>A plan whose subtask <c>x</c> writes <c>x.txt</c>, with the dependencies given.</summary>
    public static object Plan(params (string Id, string[] DependsOn)[] subtasks) => new
    {
        subtasks = subtasks.Select(s => new
        {
            id = s.Id,
            title = $"Step {s.Id}",
            description = $"Write {s.Id}.txt.",
            depends_on = s.DependsOn,
            files = new[] { $"{s.Id}.txt" },
            acceptance = new[] { $"{s.Id}.txt exists" },
        }).ToArray(),
    };
}

using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// Joins a run's definition (its YAML snapshot) with its stored step rows: the steps in the order written, each with its
/// dependencies; rows the definition does not name (the run's pull request task) come last, after every step nothing
/// else waits for.
/// </summary>
internal static class RunSteps
{
    /// <summary>The run's steps; <paramref name="problem"/> says why the drawing has no arrows, when it has none for a reason.</summary>
    public static IReadOnlyList<RunPageStep> Build(RunRecord run, IReadOnlyList<RunStepRecord> rows, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rows);
        problem = null;
        var stored = new Dictionary<string, RunStepRecord>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            stored.TryAdd(row.Name, row);
        }
        var steps = new List<RunPageStep>();
        PipelineDefinition? definition = null;
        if (run.Yaml is not null)
        {
            var parsed = PipelineYaml.Parse(run.Yaml, run.Pipeline + ".yml");
            definition = parsed.Ok ? parsed.Definition : null;
            if (definition is null)
            {
                problem = "The run's definition no longer reads as a pipeline, so its steps are listed without their dependencies"
                    + (parsed.Problems.Count > 0 ? $" ({parsed.Problems[0].Message})." : ".");
            }
        }
        if (definition is not null)
        {
            foreach (var step in definition.Steps)
            {
                steps.Add(From(step.Name, stored.GetValueOrDefault(step.Name)) with
                {
                    Kind = step.Kind == PipelineStepKind.Agent ? "agent" : "command",
                    DependsOn = step.DependsOn,
                    Condition = step.Condition,
                    RequiresApproval = step.RequiresApproval,
                    OnFailure = step.OnFailure,
                });
            }
        }
        var known = steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var sinks = steps.Where(s => !steps.Any(other => other.DependsOn.Contains(s.Name, StringComparer.Ordinal))).Select(s => s.Name).ToList();
        foreach (var row in rows.Where(r => !known.Contains(r.Name)))
        {
            known.Add(row.Name);
            steps.Add(From(row.Name, row) with { DependsOn = definition is null ? [] : sinks });
        }
        return steps;
    }

    private static RunPageStep From(string name, RunStepRecord? row) => new(name, row?.State ?? StepState.Pending)
    {
        TaskId = row?.TaskId,
        Output = RunDisplay.Json(row?.Output),
        Reason = row?.Reason,
        DecidedBy = row?.DecidedBy,
        StartedAt = row?.StartedAt,
        FinishedAt = row?.FinishedAt,
    };
}

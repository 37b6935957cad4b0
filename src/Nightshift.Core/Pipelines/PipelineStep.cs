namespace Nightshift.Core.Pipelines;

/// <summary>One step of a pipeline: an agent task or a sandboxed command, with what it waits for and when it runs.</summary>
public sealed record PipelineStep
{
    public const int MaxInstructionLength = 100_000;
    public const int MaxCommandLength = 10_000;

    /// <summary>Lowercase letters, digits, '-' and '_', starting with a letter; at most 64 characters.</summary>
    public required string Name { get; init; }

    public required PipelineStepKind Kind { get; init; }

    /// <summary>Agent steps: what to do, in plain language; may hold templates (<c>{{steps.lint.output.errors}}</c>).</summary>
    public string? Instruction { get; init; }

    /// <summary>Agent steps: the task's title; null derives one from the instruction.</summary>
    public string? Title { get; init; }

    /// <summary>Agent steps: provider/model; null: the server's default model.</summary>
    public string? Model { get; init; }

    /// <summary>Agent steps: the most the step's task may spend on model calls, in dollars; null: the usual budgets.</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>
    /// Command steps: a shell command run with <c>sh -c</c> in the run's worktree inside the sandbox. A template in it
    /// becomes a quoted shell variable (never text the shell parses), see <see cref="PipelineTemplate.RenderShell"/>.
    /// </summary>
    public string? Run { get; init; }

    /// <summary>Steps that must have ended before this one starts (names of other steps).</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>A <see cref="PipelineCondition"/>: when it is false the step is skipped with the reason. Null: always.</summary>
    public string? Condition { get; init; }

    /// <summary>The run waits for a person's approval before this step starts, without holding a worker slot.</summary>
    public bool RequiresApproval { get; init; }

    public FailurePolicy OnFailure { get; init; } = FailurePolicy.Stop;

    /// <summary>How long the step's task may run; null: the worker's usual deadline.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The line of the step's name in its file (1-based), for messages about it.</summary>
    public int Line { get; init; }
}

namespace Nightshift.Core.Pipelines;

/// <summary>A step to start now: the task to submit for it (instruction, title, model and what makes it a step of the run).</summary>
public sealed record StepStart(string Step, PipelineStepKind Kind, string Instruction, string Title, string? Model, RunStepTask RunStep);

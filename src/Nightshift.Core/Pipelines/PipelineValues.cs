using System.Text.Json;

namespace Nightshift.Core.Pipelines;

/// <summary>What templates and conditions of a run can see: its inputs and the steps that ended before.</summary>
public sealed record PipelineValues(IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, StepValues> Steps);

/// <summary>A step as later steps see it: its status (wire name of <see cref="StepState"/>) and its output object, if any.</summary>
public sealed record StepValues(string Status, JsonElement? Output = null);

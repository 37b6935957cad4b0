namespace Nightshift.Core.Pipelines;

/// <summary>A piece of a template: literal text, or a placeholder's reference (then <see cref="Text"/> is how it was written).</summary>
internal sealed record TemplateSegment(string Text, PipelineReference? Reference);

namespace Nightshift.Core.Pipelines;

/// <summary>One value a run is given when it starts (<c>inputs:</c>); a required input without a default must be given.</summary>
public sealed record PipelineInput(string Name, string? Description = null, bool Required = false, string? Default = null)
{
    public const int MaxValueLength = 10_000;
}

using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>An input a run of the pipeline takes.</summary>
public sealed record PipelineInputView(string Name, string? Description, bool Required, string? Default)
{
    public static PipelineInputView From(PipelineInput input) => new(input.Name, input.Description, input.Required, input.Default);
}

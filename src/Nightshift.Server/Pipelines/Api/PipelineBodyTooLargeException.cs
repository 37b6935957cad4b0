using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>A pipeline body larger than <see cref="PipelineYaml.MaxBytes"/> (413).</summary>
internal sealed class PipelineBodyTooLargeException() : Exception(
    $"a pipeline's YAML may be at most {PipelineYaml.MaxBytes} bytes ({PipelineYaml.MaxBytes / 1024} KiB); move long instructions into files of the repository and refer to them");

namespace Nightshift.Core.Pipelines;

/// <summary>A command step's script for <c>sh -c</c> and the environment variables its placeholders name.</summary>
public sealed record RenderedCommand(string Script, IReadOnlyDictionary<string, string> Environment);

namespace Nightshift.Agent.Tools;

/// <summary>One argument of a tool: it becomes a property of the tool's JSON schema and is checked before the tool runs.</summary>
public sealed record ToolParameter(
    string Name,
    ToolParameterType Type,
    string Description,
    bool Required = true,
    int? MaxLength = null,
    long? Minimum = null,
    long? Maximum = null);

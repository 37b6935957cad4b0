namespace Nightshift.Agent.Tools;

/// <summary>One argument of a tool: it becomes a property of the tool's JSON schema and is checked before the tool runs.</summary>
/// <param name="Items">for <see cref="ToolParameterType.ObjectList"/>: the properties of each object in the list.</param>
public sealed record ToolParameter(
    string Name,
    ToolParameterType Type,
    string Description,
    bool Required = true,
    int? MaxLength = null,
    long? Minimum = null,
    long? Maximum = null,
    IReadOnlyList<ToolParameter>? Items = null);

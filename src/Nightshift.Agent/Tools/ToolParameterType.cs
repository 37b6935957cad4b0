namespace Nightshift.Agent.Tools;

public enum ToolParameterType
{
    String,
    Integer,
    Boolean,

    /// <summary>A list of objects, each with the properties in <see cref="ToolParameter.Items"/>; at most <see cref="ToolParameter.Maximum"/> of them.</summary>
    ObjectList,
}

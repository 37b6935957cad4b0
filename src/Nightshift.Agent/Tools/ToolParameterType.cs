namespace Nightshift.Agent.Tools;

public enum ToolParameterType
{
    String,
    Integer,
    Boolean,
}

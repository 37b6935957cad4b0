namespace Nightshift.Agent.Tools;

/// <summary>The tools offered to the build agent, and the read-only subset for planning.</summary>
public static class ToolBox
{
    public static IReadOnlyList<AgentTool> BuildTools() =>
    [
        new ListFilesTool(), new ReadFileTool(), new SearchTool(), new EditFileTool(), new WriteFileTool(),
        new RunTool(), new GitDiffTool(), new FinishTool(),
    ];

    public static IReadOnlyList<AgentTool> ReadOnlyTools() => BuildTools().Where(t => t.ReadOnly && t is not FinishTool).ToList();
}

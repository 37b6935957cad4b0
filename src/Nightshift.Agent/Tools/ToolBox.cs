using Microsoft.Extensions.AI;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Tools;

/// <summary>The tools offered to the build agent, the read-only subset for planning, and how a call is carried out.</summary>
public static class ToolBox
{
    public static IReadOnlyList<AgentTool> BuildTools() =>
    [
        new ListFilesTool(), new ReadFileTool(), new SearchTool(), new EditFileTool(), new WriteFileTool(),
        new RunTool(), new GitDiffTool(), new FinishTool(),
    ];

    public static IReadOnlyList<AgentTool> ReadOnlyTools() => BuildTools().Where(t => t.ReadOnly && t is not FinishTool).ToList();

    /// <summary>
    /// Checks the call's arguments and runs <paramref name="tool"/>. Whatever goes wrong inside — a refused argument,
    /// an I/O error, a git error, a bug — comes back as an error result for the model to read; a tool never ends the
    /// task. Only cancellation of <paramref name="cancellationToken"/> itself propagates.
    /// </summary>
    public static async Task<ToolResult> ExecuteAsync(AgentTool tool, FunctionCallContent call, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            if (call.Exception is not null)
            {
                throw new ToolException($"the arguments of {tool.Name} are not valid JSON ({call.Exception.Message}); send a JSON object");
            }
            var arguments = ToolArgumentParser.Parse(tool.Name, tool.Parameters, call.Arguments);
            return await tool.ExecuteAsync(arguments, context, cancellationToken);
        }
        catch (ToolException e)
        {
            return ToolResult.Error(e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Sent as the tool's result: the model can often work around it (another path, another command).
            return ToolResult.Error($"{tool.Name} failed: {Describe(e)}");
        }
    }

    private static string Describe(Exception e) => OutputText.Cap(e switch
    {
        OperationCanceledException => "it was stopped before it finished",
        IOException or UnauthorizedAccessException or WorkspaceException => e.Message.Trim(),
        _ => $"{e.GetType().Name}: {e.Message.Trim()}",
    }, 2_000);
}

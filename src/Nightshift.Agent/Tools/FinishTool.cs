namespace Nightshift.Agent.Tools;

/// <summary>The model says it is done; its summary becomes the commit message and the pull request's description.</summary>
public sealed class FinishTool : AgentTool
{
    public override string Name => "finish";

    public override string Description =>
        "Call when the change is complete. 'summary': what you changed and why, in a few sentences (first line: a short title).";

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("summary", ToolParameterType.String, "what changed and why; the first line is a short title", MaxLength: 8_000),
    ];

    public override Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var summary = arguments.GetString("summary").Trim();
        if (summary.Length == 0)
        {
            throw new ToolException("summary must say what you changed");
        }
        return Task.FromResult(new ToolResult("finished", FinishSummary: summary));
    }
}

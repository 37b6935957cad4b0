namespace Nightshift.Agent.Tools;

/// <summary>Shows the change made so far as a unified diff.</summary>
public sealed class GitDiffTool : AgentTool
{
    public override string Name => "git_diff";

    public override string Description => "Show your change so far as a unified diff against the task's base commit.";

    public override IReadOnlyList<ToolParameter> Parameters { get; } = [];

    public override async Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var diff = await context.Diff.GetDiffAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(diff))
        {
            return new ToolResult("no changes yet");
        }
        return new ToolResult(OutputText.Cap(diff, context.Limits.MaxResultChars));
    }
}

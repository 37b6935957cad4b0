using Microsoft.Extensions.FileSystemGlobbing;

namespace Nightshift.Agent.Tools;

/// <summary>Lists files of the repository matching a glob, skipping the .git folder.</summary>
public sealed class ListFilesTool : AgentTool
{
    public override string Name => "list_files";

    public override string Description =>
        "List files in the repository. 'pattern' is a glob relative to 'path' (default **/*), e.g. src/**/*.js.";

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("pattern", ToolParameterType.String, "glob such as **/*.cs or src/*.js", Required: false, MaxLength: 500),
        new("path", ToolParameterType.String, "folder to list, relative to the repository root (default: the root)", Required: false, MaxLength: 1_000),
    ];

    public override Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var folder = context.Worktree.Resolve(arguments.GetOptionalString("path") ?? ".");
        if (!Directory.Exists(folder))
        {
            throw new ToolException($"'{arguments.GetOptionalString("path")}' is not a folder of the repository");
        }
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(arguments.GetOptionalString("pattern") is { Length: > 0 } p ? p : "**/*");
        matcher.AddExclude(".git/**");
        matcher.AddExclude("**/.git/**");

        var files = matcher.GetResultsInFullPath(folder)
            .Select(context.Worktree.Relative)
            .Where(f => f != ".git" && !f.StartsWith(".git/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            return Task.FromResult(new ToolResult("no files match"));
        }
        var shown = files.Take(context.Limits.MaxListedFiles).ToList();
        var text = string.Join('\n', shown);
        if (files.Count > shown.Count)
        {
            text += $"\n… and {files.Count - shown.Count} more; narrow the pattern or path";
        }
        return Task.FromResult(new ToolResult(text));
    }
}

using System.Text;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.Tools;

/// <summary>Creates or replaces a whole file.</summary>
public sealed class WriteFileTool : AgentTool
{
    public override string Name => "write_file";

    public override string Description =>
        "Create a file or replace its whole content. Prefer edit_file for changes to existing files.";

    public override bool ReadOnly => false;

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("path", ToolParameterType.String, "file path relative to the repository root", MaxLength: 1_000),
        new("content", ToolParameterType.String, "the complete new content of the file"),
    ];

    public override async Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var requested = arguments.GetString("path");
        var content = arguments.GetString("content");
        if (content.Length > context.Limits.MaxWriteChars)
        {
            throw new ToolException($"content is {content.Length} characters; at most {context.Limits.MaxWriteChars} can be written at once");
        }
        var path = context.Worktree.Resolve(requested);
        var before = RepoFiles.Stat(context.Worktree.Root, path);
        if (before.Kind == RepoFileKind.Directory)
        {
            throw new ToolException($"'{requested}' is a folder; give a file path");
        }
        if (before.Kind is not (RepoFileKind.Missing or RepoFileKind.Regular))
        {
            throw new ToolException(RepoFiles.Refusal(requested, before.Kind) + "; write_file replaces regular files only (delete it with run first)");
        }
        var parent = Path.GetDirectoryName(path)!;
        // Resolve the parent again after creating it: a component created now cannot be a link, but one that existed may be.
        Directory.CreateDirectory(parent);
        context.Worktree.Resolve(context.Worktree.Relative(parent));
        var existed = before.Kind == RepoFileKind.Regular;
        await File.WriteAllTextAsync(path, content, new UTF8Encoding(false), cancellationToken);
        var lines = content.Length == 0 ? 0 : content.Count(c => c == '\n') + (content.EndsWith('\n') ? 0 : 1);
        return new ToolResult($"{(existed ? "replaced" : "created")} {context.Worktree.Relative(path)} ({lines} lines)");
    }
}

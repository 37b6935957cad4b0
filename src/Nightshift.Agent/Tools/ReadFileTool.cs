using System.Text;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.Tools;

/// <summary>Reads a text file, or a range of its lines, with line numbers.</summary>
public sealed class ReadFileTool : AgentTool
{
    public override string Name => "read_file";

    public override string Description =>
        "Read a text file of the repository with line numbers. Give start_line/end_line (1-based, inclusive) for long files.";

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("path", ToolParameterType.String, "file path relative to the repository root", MaxLength: 1_000),
        new("start_line", ToolParameterType.Integer, "first line to show (1-based)", Required: false, Minimum: 1, Maximum: 10_000_000),
        new("end_line", ToolParameterType.Integer, "last line to show (inclusive)", Required: false, Minimum: 1, Maximum: 10_000_000),
    ];

    public override async Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var requested = arguments.GetString("path");
        var path = context.Worktree.Resolve(requested);
        var info = RepoFiles.Stat(context.Worktree.Root, path);
        if (info.Kind == RepoFileKind.Directory)
        {
            throw new ToolException($"'{requested}' is a folder; use list_files to see what it holds");
        }
        if (info.Kind == RepoFileKind.Missing)
        {
            throw new ToolException($"'{requested}' does not exist; use list_files or search to find the right path");
        }
        RepoFileContent content;
        try
        {
            content = await RepoFiles.ReadAsync(context.Worktree.Root, path, context.Limits.MaxReadBytes, cancellationToken);
        }
        catch (RepoFileException e)
        {
            throw new ToolException(e.Message);
        }
        var bytes = content.Bytes;
        if (Array.IndexOf(bytes, (byte)0, 0, Math.Min(bytes.Length, 8_000)) >= 0)
        {
            throw new ToolException($"'{requested}' is a binary file ({content.FileSize} bytes) and cannot be shown as text");
        }
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        if (lines.Length > 0 && lines[^1].Length == 0)
        {
            lines = lines[..^1];
        }
        var start = (int)Math.Min(arguments.GetOptionalInteger("start_line") ?? 1, Math.Max(lines.Length, 1));
        var end = (int)Math.Min(arguments.GetOptionalInteger("end_line") ?? start + context.Limits.MaxReadLines - 1, lines.Length);
        if (end < start)
        {
            throw new ToolException($"end_line {end} is before start_line {start}");
        }
        end = Math.Min(end, start + context.Limits.MaxReadLines - 1);

        var text = new StringBuilder();
        var width = Math.Max(end, lines.Length).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        for (var i = start; i <= end && i <= lines.Length; i++)
        {
            text.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width)).Append("| ").Append(lines[i - 1].TrimEnd('\r')).Append('\n');
            if (text.Length > context.Limits.MaxResultChars)
            {
                text.Append($"… output cut at line {i}; read from start_line {i + 1}\n");
                break;
            }
        }
        if (lines.Length == 0)
        {
            text.Append("(empty file)\n");
        }
        else if (end < lines.Length)
        {
            text.Append($"… {lines.Length - end} more lines (the file has {lines.Length}); read on with start_line {end + 1}\n");
        }
        if (content.Truncated && end >= lines.Length)
        {
            text.Append($"… the file is {content.FileSize} bytes and only its first {context.Limits.MaxReadBytes} were read; look further with search, or with run (e.g. tail -c)\n");
        }
        return new ToolResult(text.ToString());
    }
}

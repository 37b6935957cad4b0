using System.Globalization;
using System.Text;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.Tools;

/// <summary>
/// Replaces one exact, unique snippet of a file. When the snippet is missing the error shows the closest lines;
/// when it occurs more than once it lists where, so the model can add context.
/// </summary>
public sealed class EditFileTool : AgentTool
{
    public override string Name => "edit_file";

    public override string Description =>
        "Replace an exact snippet of a file. 'old_string' must occur exactly once (include surrounding lines to make it unique); 'new_string' replaces it.";

    public override bool ReadOnly => false;

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("path", ToolParameterType.String, "file path relative to the repository root", MaxLength: 1_000),
        new("old_string", ToolParameterType.String, "the exact text to replace, including whitespace", MaxLength: 200_000),
        new("new_string", ToolParameterType.String, "the text to put in its place", MaxLength: 1_000_000),
    ];

    public override async Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var requested = arguments.GetString("path");
        var oldText = arguments.GetString("old_string");
        var newText = arguments.GetString("new_string");
        if (oldText.Length == 0)
        {
            throw new ToolException("old_string is empty; to create a file use write_file");
        }
        if (oldText == newText)
        {
            throw new ToolException("old_string and new_string are the same; nothing would change");
        }
        var path = context.Worktree.Resolve(requested);
        var info = RepoFiles.Stat(context.Worktree.Root, path);
        if (info.Kind == RepoFileKind.Missing)
        {
            throw new ToolException($"'{requested}' does not exist; use write_file to create it");
        }
        if (info.Kind == RepoFileKind.Regular && info.Size > context.Limits.MaxEditBytes)
        {
            throw new ToolException($"'{requested}' is {info.Size} bytes; edit_file edits files of at most {context.Limits.MaxEditBytes} bytes. Change it with run (e.g. sed or a script) instead");
        }
        RepoFileContent read;
        try
        {
            read = await RepoFiles.ReadAsync(context.Worktree.Root, path, context.Limits.MaxEditBytes, cancellationToken);
        }
        catch (RepoFileException e)
        {
            throw new ToolException(e.Message);
        }
        if (read.Truncated)
        {
            throw new ToolException($"'{requested}' is {read.FileSize} bytes; edit_file edits files of at most {context.Limits.MaxEditBytes} bytes. Change it with run (e.g. sed or a script) instead");
        }
        var content = DecodeUtf8(read.Bytes);
        var usesCrLf = content.Contains("\r\n", StringComparison.Ordinal) && !oldText.Contains("\r\n", StringComparison.Ordinal);
        var working = usesCrLf ? content.Replace("\r\n", "\n", StringComparison.Ordinal) : content;

        var positions = FindAll(working, oldText);
        if (positions.Count == 0)
        {
            throw new ToolException($"old_string was not found in {requested}. {Nearest(working, oldText)}");
        }
        if (positions.Count > 1)
        {
            var lines = positions.Select(p => LineOf(working, p).ToString(CultureInfo.InvariantCulture));
            throw new ToolException($"old_string occurs {positions.Count} times in {requested} (at lines {string.Join(", ", lines)}); include more surrounding lines so it matches exactly once");
        }

        var updated = string.Concat(working.AsSpan(0, positions[0]), newText, working.AsSpan(positions[0] + oldText.Length));
        if (usesCrLf)
        {
            updated = updated.Replace("\n", "\r\n", StringComparison.Ordinal);
        }
        await File.WriteAllTextAsync(path, updated, new UTF8Encoding(false), cancellationToken);
        var line = LineOf(working, positions[0]);
        return new ToolResult($"edited {context.Worktree.Relative(path)} at line {line}");
    }

    /// <summary>As File.ReadAllText did: UTF-8 with its byte order mark dropped.</summary>
    private static string DecodeUtf8(byte[] bytes)
    {
        var preamble = Encoding.UTF8.Preamble;
        return bytes.AsSpan().StartsWith(preamble) ? Encoding.UTF8.GetString(bytes.AsSpan(preamble.Length)) : Encoding.UTF8.GetString(bytes);
    }

    private static List<int> FindAll(string text, string snippet)
    {
        var found = new List<int>();
        for (var at = text.IndexOf(snippet, StringComparison.Ordinal); at >= 0; at = text.IndexOf(snippet, at + 1, StringComparison.Ordinal))
        {
            found.Add(at);
            if (found.Count > 50)
            {
                break;
            }
        }
        return found;
    }

    private static int LineOf(string text, int position) => text.AsSpan(0, position).Count('\n') + 1;

    /// <summary>Shows the lines most like the snippet's first line, so the model sees what the file really says.</summary>
    private static string Nearest(string content, string snippet)
    {
        var wanted = snippet.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        var lines = content.Split('\n');
        if (wanted.Length == 0 || lines.Length == 0)
        {
            return "Read the file again with read_file and copy the text exactly.";
        }
        var best = -1;
        var bestScore = 0.0;
        for (var i = 0; i < lines.Length; i++)
        {
            var score = Similarity(lines[i].Trim(), wanted);
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }
        if (best < 0 || bestScore < 0.3)
        {
            return "Nothing similar was found; read the file again with read_file and copy the text exactly.";
        }
        var from = Math.Max(0, best - 2);
        var to = Math.Min(lines.Length - 1, best + Math.Max(2, snippet.Count(c => c == '\n') + 1));
        var shown = new StringBuilder($"The closest lines are {from + 1}–{to + 1}:\n");
        for (var i = from; i <= to; i++)
        {
            shown.Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("| ").Append(lines[i].TrimEnd('\r')).Append('\n');
        }
        shown.Append("Copy the text exactly (whitespace included) into old_string.");
        return shown.ToString();
    }

    /// <summary>1 − normalized edit distance, on at most 200 characters so a huge line cannot stall the tool.</summary>
    private static double Similarity(string a, string b)
    {
        a = a.Length > 200 ? a[..200] : a;
        b = b.Length > 200 ? b[..200] : b;
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return 1.0 - (double)previous[b.Length] / Math.Max(a.Length, b.Length);
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.Tools;

/// <summary>
/// Searches file contents with ripgrep (<c>rg --json</c>). ripgrep is our own fixed program reading the worktree, run
/// with an empty environment and no configuration file, so nothing in the repository decides what runs.
/// </summary>
public sealed class SearchTool : AgentTool
{
    public override string Name => "search";

    public override string Description =>
        "Search file contents with a regular expression (ripgrep syntax). Returns path:line: text for each match.";

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("pattern", ToolParameterType.String, "regular expression to look for", MaxLength: 1_000),
        new("path", ToolParameterType.String, "folder or file to search (default: the whole repository)", Required: false, MaxLength: 1_000),
        new("glob", ToolParameterType.String, "only files matching this glob, e.g. *.ts", Required: false, MaxLength: 200),
        new("ignore_case", ToolParameterType.Boolean, "match without regard to case", Required: false),
    ];

    public override async Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var pattern = arguments.GetString("pattern");
        if (pattern.Length == 0)
        {
            throw new ToolException("pattern is empty");
        }
        var target = context.Worktree.Resolve(arguments.GetOptionalString("path") ?? ".");
        // ripgrep skips special files while it walks folders, but reads a path it is given: a FIFO would block it.
        var kind = RepoFiles.Stat(context.Worktree.Root, target).Kind;
        if (kind == RepoFileKind.Missing)
        {
            throw new ToolException($"'{arguments.GetOptionalString("path")}' does not exist; use list_files to find the right path");
        }
        if (kind is not (RepoFileKind.Directory or RepoFileKind.Regular))
        {
            throw new ToolException(RepoFiles.Refusal(arguments.GetOptionalString("path") ?? ".", kind));
        }
        var start = new ProcessStartInfo("rg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = context.Worktree.Root,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        foreach (var arg in new[] { "--json", "--no-config", "--max-columns", "400", "--max-filesize", "2M", "--glob", "!.git" })
        {
            start.ArgumentList.Add(arg);
        }
        if (arguments.GetOptionalBoolean("ignore_case") == true)
        {
            start.ArgumentList.Add("--ignore-case");
        }
        if (arguments.GetOptionalString("glob") is { Length: > 0 } glob)
        {
            start.ArgumentList.Add("--glob");
            start.ArgumentList.Add(glob);
        }
        start.ArgumentList.Add("--regexp");
        start.ArgumentList.Add(pattern);
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(target);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ToolException("search could not start ripgrep");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new ToolException("search is unavailable: ripgrep (rg) is not installed on the worker; use list_files and read_file instead");
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var matches = new List<string>();
            var total = 0;
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (!line.StartsWith("{\"type\":\"match\"", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    total++;
                    if (matches.Count < context.Limits.MaxSearchMatches)
                    {
                        matches.Add(FormatMatch(line, context.Worktree));
                    }
                }
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new ToolException("search took longer than 30 s; narrow it with path or glob");
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            if (process.ExitCode == 2 && total == 0)
            {
                var error = (await stderr).Trim();
                throw new ToolException($"search failed: {OutputText.Cap(error, 500)}");
            }
            if (total == 0)
            {
                return new ToolResult("no matches");
            }
            var text = new StringBuilder(string.Join('\n', matches));
            if (total > matches.Count)
            {
                text.Append($"\n… {total - matches.Count} more matches; narrow the pattern, path or glob");
            }
            return new ToolResult(OutputText.Cap(text.ToString(), context.Limits.MaxResultChars));
        }
    }

    private static string FormatMatch(string jsonLine, Worktree worktree)
    {
        using var doc = JsonDocument.Parse(jsonLine);
        var data = doc.RootElement.GetProperty("data");
        var path = data.GetProperty("path").TryGetProperty("text", out var p) ? p.GetString() ?? "?" : "?";
        var lineNumber = data.TryGetProperty("line_number", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : 0;
        var text = data.GetProperty("lines").TryGetProperty("text", out var t) ? t.GetString() ?? "" : "(binary)";
        var relative = Path.IsPathRooted(path) ? worktree.Relative(path) : path.TrimStart('.', '/');
        return $"{relative}:{lineNumber}: {text.TrimEnd('\n', '\r')}";
    }
}

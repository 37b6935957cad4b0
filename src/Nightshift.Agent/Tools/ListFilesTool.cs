using Microsoft.Extensions.FileSystemGlobbing;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.Tools;

/// <summary>
/// Lists files of the repository matching a glob, skipping the .git folder. Symbolic links are listed, never
/// entered: a link to a folder cannot show what lies outside the repository or send the listing round in a loop.
/// </summary>
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
        if (RepoFiles.Stat(context.Worktree.Root, folder).Kind != RepoFileKind.Directory)
        {
            throw new ToolException($"'{arguments.GetOptionalString("path")}' is not a folder of the repository");
        }
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(arguments.GetOptionalString("pattern") is { Length: > 0 } p ? p : "**/*");
        matcher.AddExclude(".git/**");
        matcher.AddExclude("**/.git/**");

        var listing = RepoTree.Walk(context.Worktree.Root, folder, new RepoWalkOptions
        {
            MaxEntries = context.Limits.MaxListedEntries,
            MaxTime = context.Limits.MaxListTime,
            Descend = entry => entry.Name != ".git",
        }, cancellationToken);
        var prefix = context.Worktree.Relative(folder) is "." ? "" : context.Worktree.Relative(folder) + "/";
        var candidates = listing.Entries
            .Where(e => e.Info.Kind != RepoFileKind.Directory && e.Name != ".git")
            .ToDictionary(e => e.Path[prefix.Length..], StringComparer.Ordinal);
        var matched = matcher.Match(candidates.Keys).Files.Select(f => candidates[f.Path]);

        var files = matched
            .Select(e => e.Info.Kind == RepoFileKind.Regular ? e.Path : $"{e.Path} ({Describe(e.Info.Kind)})")
            .Order(StringComparer.Ordinal)
            .ToList();
        var stopped = listing.Stopped switch
        {
            RepoWalkStop.EntryLimit => $"\n… the listing stopped after {listing.Entries.Count} entries of the tree; give a narrower path",
            RepoWalkStop.TimeLimit => $"\n… the listing stopped after {context.Limits.MaxListTime.TotalSeconds:0} s; give a narrower path",
            _ => "",
        };
        if (files.Count == 0)
        {
            return Task.FromResult(new ToolResult("no files match" + stopped));
        }
        var shown = files.Take(context.Limits.MaxListedFiles).ToList();
        var text = string.Join('\n', shown);
        if (files.Count > shown.Count)
        {
            text += $"\n… and {files.Count - shown.Count} more; narrow the pattern or path";
        }
        return Task.FromResult(new ToolResult(text + stopped));
    }

    private static string Describe(RepoFileKind kind) => kind switch
    {
        RepoFileKind.SymbolicLink => "symbolic link, not followed",
        RepoFileKind.Fifo => "FIFO, not a regular file",
        RepoFileKind.Socket => "socket, not a regular file",
        _ => "not a regular file",
    };
}

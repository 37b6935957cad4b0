using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Core.Tasks;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift ls</c>: tasks, newest first, as a table (or a JSON array).</summary>
internal sealed class LsCommand : NightshiftCommand
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;

    private readonly Option<string?> status = new("--status", "-s") { Description = "Only tasks with this status (queued, running, awaiting_approval, awaiting_input, succeeded, failed, cancelled, timed_out, needs_review, dead)", HelpName = "STATUS" };
    private readonly Option<string?> repo = new("--repo", "-r") { Description = "Only tasks on this repository", HelpName = "REPO" };
    private readonly Option<int> limit = new("--limit", "-n") { Description = $"How many tasks to show (1..{MaxLimit})", DefaultValueFactory = _ => DefaultLimit, HelpName = "N" };
    private readonly Option<bool> all = new("--all", "-a") { Description = "Every task, page after page (ignores --limit)" };

    public LsCommand(CommandContextFactory contexts) : base("ls", "List tasks, newest first", contexts)
    {
        Aliases.Add("list");
        Options.Add(status);
        Options.Add(repo);
        Options.Add(limit);
        Options.Add(all);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        string? statusFilter = null;
        if (parse.GetValue(status) is { } s)
        {
            statusFilter = TaskStateNames.TryParseStatus(s, out var parsed)
                ? parsed.ToWire()
                : throw new UsageException($"'{SafeText.Clean(s, 40)}' is not a task status; use one of: {string.Join(", ", Enum.GetValues<TaskState>().Select(v => v.ToWire()))}");
        }
        var repoFilter = parse.GetValue(repo);
        var everything = parse.GetValue(all);
        var wanted = everything ? int.MaxValue : parse.GetValue(limit);
        if (wanted is < 1 or > MaxLimit && !everything)
        {
            throw new UsageException($"--limit must be between 1 and {MaxLimit} (got {wanted}); use --all for every task");
        }

        var tasks = new List<ApiTask>();
        string? cursor = null;
        do
        {
            var pageSize = Math.Min(everything ? 200 : wanted - tasks.Count, 200);
            var page = await context.Client.ListAsync(statusFilter, repoFilter, cursor, pageSize, cancellationToken);
            tasks.AddRange(page.Items.Take(wanted - tasks.Count));
            cursor = page.NextCursor;
            if (page.Items.Count == 0)
            {
                break;
            }
        }
        while (cursor is not null && tasks.Count < wanted);

        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(tasks.Select(t => t.Json)));
            return ExitCodes.Ok;
        }
        if (tasks.Count == 0)
        {
            output.Info(statusFilter is null && repoFilter is null
                ? "no tasks yet; submit one with `nightshift submit --repo REPO \"what to change\"`"
                : "no tasks match");
            return ExitCodes.Ok;
        }
        output.Console.Write(Table(tasks.Select(t => t.Task), context.Environment.Time.GetUtcNow(), output.Live));
        if (cursor is not null && !everything)
        {
            output.Note($"showing the newest {tasks.Count}; more with --limit N or --all");
        }
        return ExitCodes.Ok;
    }

    public static Table Table(IEnumerable<TaskRecord> tasks, DateTimeOffset now, bool terminal)
    {
        var table = new Table().Border(terminal ? TableBorder.Rounded : TableBorder.None);
        foreach (var column in new[] { "ID", "STATUS", "TITLE", "REPO", "CREATED", "COST" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }
        foreach (var task in tasks)
        {
            table.AddRow(
                Markup.Escape(task.ShortId),
                Markup.Escape(TaskFormatter.Status(task)),
                Markup.Escape(SafeText.Clean(task.Title, 60)),
                Markup.Escape(SafeText.Clean(task.Repo, 60)),
                Markup.Escape(TaskFormatter.Age(task.CreatedAt, now)),
                Markup.Escape(TaskFormatter.Cost(task.Usage)));
        }
        return table;
    }
}

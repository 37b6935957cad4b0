using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Core.Events;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift logs ID [-f]</c>: a task's events so far, or followed live until it ends.</summary>
internal sealed class LogsCommand : NightshiftCommand
{
    private const int PageSize = 500;

    private readonly Argument<string> id = new("id") { Description = "Task id, or its last 8 characters" };
    private readonly Option<bool> follow = new("--follow", "-f") { Description = "Keep following until the task ends; the exit code tells how it ended" };
    private readonly Option<long> after = new("--after") { Description = "Only events after this sequence number", HelpName = "SEQ" };

    public LogsCommand(CommandContextFactory contexts) : base("logs", "Show a task's events", contexts)
    {
        Arguments.Add(id);
        Options.Add(follow);
        Options.Add(after);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var client = context.Client;
        var start = parse.GetValue(after);
        if (start < 0)
        {
            throw new UsageException("--after must be 0 or a positive sequence number");
        }
        var taskId = await TaskIdResolver.ResolveAsync(client, parse.GetValue(id), cancellationToken);
        if (parse.GetValue(follow))
        {
            var task = await client.GetTaskAsync(taskId, cancellationToken);
            return await TaskFollower.FollowAsync(context, task, start, cancellationToken);
        }

        var events = new List<ApiEvent>();
        var last = start;
        while (true)
        {
            var page = await client.GetEventsAsync(taskId, last, PageSize, cancellationToken);
            var fresh = page.Where(e => e.Seq > last).ToList();
            events.AddRange(fresh);
            if (fresh.Count == 0 || page.Count < PageSize)
            {
                break;
            }
            last = fresh[^1].Seq;
        }
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(events.Select(e => new { e.Seq, e.Type, e.Time, e.Data }), Core.Serialization.NightshiftJson.Options));
            return ExitCodes.Ok;
        }
        var zone = context.Environment.Time.LocalTimeZone;
        foreach (var e in events.Where(e => context.AllEvents || !EventSummary.IsBookkeeping(e.Type)))
        {
            output.Text(EventFormatter.Line(e, zone));
        }
        if (events.Count == 0)
        {
            output.Note("no events yet");
        }
        return ExitCodes.Ok;
    }
}

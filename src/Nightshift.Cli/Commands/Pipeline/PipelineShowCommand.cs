using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary><c>nightshift pipeline show RUN</c>: a run and its steps as a table (state, task, output clipped, reason).</summary>
internal sealed class PipelineShowCommand : NightshiftCommand
{
    private static readonly string[] Headers = ["STEP", "KIND", "STATE", "TASK", "OUTPUT", "REASON"];
    private readonly Argument<string> run = new("run") { Description = "The run's id, as `nightshift pipeline runs` shows it" };

    public PipelineShowCommand(CommandContextFactory contexts) : base("show", "Show a run and its steps", contexts)
    {
        Arguments.Add(run);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var answer = await context.Client.GetRunAsync(context.ParseResult.GetValue(run)!, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        foreach (var line in Lines(answer, output.Width, context.Environment.Time.GetUtcNow()))
        {
            output.Text(line);
        }
        return ExitCodes.Ok;
    }

    /// <summary>The run's summary lines, then its steps' table, each line at most <paramref name="width"/> cells when it can be.</summary>
    public static IReadOnlyList<string> Lines(JsonElement run, int width, DateTimeOffset now)
    {
        var lines = new List<string>
        {
            TaskTable.Fit($"run {PipelineJson.Text(run, "id", 64)} of {PipelineJson.Text(run, "pipeline", 64)}: {PipelineJson.Text(run, "state", 20)}", width),
            TaskTable.Fit($"repo {PipelineJson.Text(run, "repo", 300)} · branch {PipelineJson.Text(run, "branch", 200)} · created {PipelineJson.Age(run, "createdAt", now)}", width),
        };
        if (WebhookJson.Text(run, "pullRequest") is { } pull)
        {
            lines.Add(TaskTable.Fit("pull request " + SafeText.Clean(pull, 300), width));
        }
        if (WebhookJson.Text(run, "reason") is { } reason)
        {
            lines.Add("reason: " + SafeText.Clean(reason, 2000));
        }
        var steps = run.TryGetProperty("steps", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
        if (steps.Count == 0)
        {
            lines.Add("no steps yet (a repository pipeline's steps appear once the run has read its file)");
            return lines;
        }
        lines.Add("");
        var rows = steps.Select(s => new[]
        {
            PipelineJson.Text(s, "name", 64),
            WebhookJson.Text(s, "kind") is { } kind ? SafeText.Clean(kind, 10) : "–",
            PipelineJson.Text(s, "state", 20),
            WebhookJson.Text(s, "taskId") is { } task ? SafeText.Clean(Core.Tasks.TaskId.Short(task), 26) : "–",
            PipelineJson.Output(s, 200),
            PipelineJson.Text(s, "reason", 300),
        }).ToList();
        lines.AddRange(ColumnTable.Lines(Headers, rows, width, 4, 5, 0));
        return lines;
    }
}

using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary><c>nightshift pipeline runs</c>: recent runs, newest first.</summary>
internal sealed class PipelineRunsCommand : NightshiftCommand
{
    private static readonly string[] Headers = ["RUN", "PIPELINE", "STATE", "CREATED", "REASON"];
    private readonly Option<string?> pipeline = new("--pipeline", "-p") { Description = "Only runs of this pipeline", HelpName = "NAME" };
    private readonly Option<string?> state = new("--state") { Description = "Only runs in this state (queued, running, awaiting_approval, succeeded, needs_review, failed, cancelled)", HelpName = "STATE" };
    private readonly Option<int> limit = new("--limit", "-n") { Description = "At most this many runs (1..500)", DefaultValueFactory = _ => 20, HelpName = "N" };

    public PipelineRunsCommand(CommandContextFactory contexts) : base("runs", "List recent pipeline runs", contexts)
    {
        Options.Add(pipeline);
        Options.Add(state);
        Options.Add(limit);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var answer = await context.Client.ListRunsAsync(parse.GetValue(pipeline), parse.GetValue(state), parse.GetValue(limit), cancellationToken);
        var items = WebhookJson.Items(answer);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        if (items.Count == 0)
        {
            output.Info("no runs yet; start one with `nightshift pipeline run NAME --repo R`");
            return ExitCodes.Ok;
        }
        var now = context.Environment.Time.GetUtcNow();
        var rows = items.Select(r => new[]
        {
            PipelineJson.Text(r, "id", 64),
            PipelineJson.Text(r, "pipeline", 64),
            PipelineJson.Text(r, "state", 20),
            PipelineJson.Age(r, "createdAt", now),
            PipelineJson.Text(r, "reason", 300),
        }).ToList();
        foreach (var line in ColumnTable.Lines(Headers, rows, output.Width, 4, 1, 0))
        {
            output.Text(line);
        }
        return ExitCodes.Ok;
    }
}

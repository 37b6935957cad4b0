using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary><c>nightshift pipeline ls</c>: the registered pipelines with their steps, schedule and description.</summary>
internal sealed class PipelineLsCommand : NightshiftCommand
{
    private static readonly string[] Headers = ["NAME", "STEPS", "SCHEDULE", "NEXT RUN", "DESCRIPTION"];

    public PipelineLsCommand(CommandContextFactory contexts) : base("ls", "List registered pipelines", contexts)
    {
        Aliases.Add("list");
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var answer = await context.Client.ListPipelinesAsync(cancellationToken);
        var items = WebhookJson.Items(answer);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(JsonSerializer.SerializeToElement(items));
            return ExitCodes.Ok;
        }
        if (items.Count == 0)
        {
            output.Info("no pipelines registered; add one with `nightshift pipeline add FILE` (a repository's .nightshift/pipelines/NAME.yml runs without registering)");
            return ExitCodes.Ok;
        }
        var rows = items.Select(p => new[]
        {
            PipelineJson.Text(p, "name", 64),
            p.TryGetProperty("steps", out var steps) && steps.ValueKind == JsonValueKind.Array ? steps.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) : "–",
            WebhookJson.Text(p, "schedule") is { } cron ? SafeText.Clean(cron, 40) : "–",
            WebhookJson.Text(p, "nextRunAt") is null ? "–" : WebhookJson.Time(p, "nextRunAt"),
            PipelineJson.Text(p, "description", 300),
        }).ToList();
        foreach (var line in ColumnTable.Lines(Headers, rows, output.Width, 4, 2, 3))
        {
            output.Text(line);
        }
        return ExitCodes.Ok;
    }
}

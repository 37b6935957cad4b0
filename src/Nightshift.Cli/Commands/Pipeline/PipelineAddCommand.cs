using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary>
/// <c>nightshift pipeline add FILE</c>: registers the pipeline (or replaces the one of its name). The file is checked
/// here first, so its problems print as <c>file:line:col: message</c> without a round trip (exit 2, as the server's 400).
/// </summary>
internal sealed class PipelineAddCommand : NightshiftCommand
{
    private readonly Argument<string> file = new("file") { Description = "The pipeline's YAML file" };

    public PipelineAddCommand(CommandContextFactory contexts)
        : base("add", "Register a pipeline from its YAML file (replaces the one of the same name)", contexts)
    {
        Arguments.Add(file);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var path = context.ParseResult.GetValue(file)!;
        var yaml = await PipelineFile.ReadAsync(path, cancellationToken);
        var parsed = PipelineYaml.Parse(yaml, path);
        var output = context.Output;
        if (!parsed.Ok)
        {
            foreach (var problem in parsed.Problems)
            {
                output.Error(SafeText.Clean(problem.ToString(), 2000));
            }
            output.Error($"error: {parsed.Problems.Count} problem(s) in {SafeText.Clean(path, 300)}: nothing was registered; fix them (`nightshift pipeline validate {SafeText.Clean(path, 300)}`)");
            return ExitCodes.Usage;
        }
        var (pipeline, created) = await context.Client.SavePipelineAsync(yaml, cancellationToken);
        if (output.Json)
        {
            output.WriteJson(pipeline);
        }
        var name = SafeText.Clean(WebhookJson.Text(pipeline, "name"), 80);
        var schedule = WebhookJson.Text(pipeline, "schedule") is { } cron
            ? $"; scheduled '{SafeText.Clean(cron, 100)}' ({SafeText.Clean(WebhookJson.Text(pipeline, "timeZone") ?? "UTC", 60)}), next run {WebhookJson.Time(pipeline, "nextRunAt")}"
            : "";
        output.Info($"{(created ? "registered" : "replaced")} pipeline {name}{schedule}");
        output.Info($"run it with `nightshift pipeline run {name}`");
        return ExitCodes.Ok;
    }
}

using System.CommandLine;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary>
/// <c>nightshift pipeline validate FILE</c>: checks a pipeline file on this machine, without a server, printing each
/// problem as <c>file:line:col: message</c>; exit 0 when it is a pipeline that can run, 1 when it has problems.
/// </summary>
internal sealed class PipelineValidateCommand : NightshiftCommand
{
    private readonly Argument<string> file = new("file") { Description = "The pipeline's YAML file (e.g. .nightshift/pipelines/NAME.yml)" };

    public PipelineValidateCommand(CommandContextFactory contexts)
        : base("validate", "Check a pipeline file offline; prints file:line:col: message for each problem", contexts)
    {
        Arguments.Add(file);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var path = context.ParseResult.GetValue(file)!;
        var yaml = await PipelineFile.ReadAsync(path, cancellationToken);
        var parsed = PipelineYaml.Parse(yaml, path);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(new
            {
                file = path,
                valid = parsed.Ok,
                name = parsed.Definition?.Name,
                problems = parsed.Problems.Select(p => new { file = p.File, line = p.Line, column = p.Column, message = p.Message }),
            });
        }
        else if (parsed.Ok)
        {
            var definition = parsed.Definition!;
            output.Text($"{SafeText.Clean(path, 300)}: pipeline {definition.Name} is valid — {definition.Steps.Count} step(s) in {PipelineGraph.Layers(definition).Count} layer(s)");
        }
        else
        {
            foreach (var problem in parsed.Problems)
            {
                output.Text(SafeText.Clean(problem.ToString(), 2000));
            }
            output.Note($"{parsed.Problems.Count} problem(s) in {SafeText.Clean(path, 300)}");
        }
        return parsed.Ok ? ExitCodes.Ok : ExitCodes.TaskFailed;
    }
}

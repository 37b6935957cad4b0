using System.CommandLine;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary><c>nightshift pipeline rm NAME</c>: removes a registered pipeline; runs already started keep their copy.</summary>
internal sealed class PipelineRmCommand : NightshiftCommand
{
    private readonly Argument<string> name = new("name") { Description = "The pipeline's name, as `nightshift pipeline ls` shows it" };

    public PipelineRmCommand(CommandContextFactory contexts) : base("rm", "Remove a registered pipeline (started runs go on)", contexts)
    {
        Aliases.Add("remove");
        Arguments.Add(name);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var pipeline = context.ParseResult.GetValue(name)!;
        await context.Client.DeletePipelineAsync(pipeline, cancellationToken);
        if (context.Output.Json)
        {
            context.Output.WriteJson(new { name = pipeline, removed = true });
        }
        context.Output.Info($"removed pipeline {SafeText.Clean(pipeline, 80)}; runs already started go on with their copy");
        return ExitCodes.Ok;
    }
}

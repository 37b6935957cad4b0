using System.CommandLine;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary><c>nightshift pipeline approve|reject RUN STEP</c>: decides a step that waits for approval.</summary>
internal sealed class PipelineDecideCommand : NightshiftCommand
{
    private readonly bool approve;
    private readonly Argument<string> run = new("run") { Description = "The run's id" };
    private readonly Argument<string> step = new("step") { Description = "The step that waits for approval" };
    private readonly Option<string?> reason = new("--reason") { Description = "Why (kept with the decision)", HelpName = "TEXT" };

    public PipelineDecideCommand(string name, bool approve, CommandContextFactory contexts)
        : base(name, approve ? "Approve a step that waits for approval; the run goes on" : "Reject a step that waits for approval; it is skipped", contexts)
    {
        this.approve = approve;
        Arguments.Add(run);
        Arguments.Add(step);
        Options.Add(reason);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var id = context.ParseResult.GetValue(run)!;
        var stepName = context.ParseResult.GetValue(step)!;
        var answer = await context.Client.DecideStepAsync(id, stepName, approve, context.ParseResult.GetValue(reason), cancellationToken);
        if (context.Output.Json)
        {
            context.Output.WriteJson(answer);
        }
        context.Output.Info(approve
            ? $"approved step {SafeText.Clean(stepName, 80)} of run {SafeText.Clean(id, 80)}; it starts shortly"
            : $"rejected step {SafeText.Clean(stepName, 80)} of run {SafeText.Clean(id, 80)}; it is skipped");
        return ExitCodes.Ok;
    }
}

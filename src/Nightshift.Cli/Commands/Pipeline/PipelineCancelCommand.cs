using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary><c>nightshift pipeline cancel RUN</c>: stops a run; its running step tasks are cancelled.</summary>
internal sealed class PipelineCancelCommand : NightshiftCommand
{
    private readonly Argument<string> run = new("run") { Description = "The run's id, as `nightshift pipeline runs` shows it" };

    public PipelineCancelCommand(CommandContextFactory contexts) : base("cancel", "Cancel a run (its running steps are cancelled)", contexts)
    {
        Arguments.Add(run);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var id = context.ParseResult.GetValue(run)!;
        var answer = await context.Client.CancelRunAsync(id, cancellationToken);
        if (context.Output.Json)
        {
            context.Output.WriteJson(answer);
        }
        context.Output.Info($"run {SafeText.Clean(WebhookJson.Text(answer, "id") ?? id, 80)} is being cancelled; follow it with `nightshift pipeline show {SafeText.Clean(id, 80)}`");
        return ExitCodes.Ok;
    }
}

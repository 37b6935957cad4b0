using System.CommandLine;

namespace Nightshift.Cli.Commands;

/// <summary>An action that may carry a reason a person gives (<c>--reason TEXT</c>), kept on the task.</summary>
internal abstract class ReasonedActionCommand : TaskActionCommand
{
    public const int MaxReasonLength = 2000;

    private readonly Option<string?> reason;

    protected ReasonedActionCommand(string action, string pastTense, string description, string reasonDescription, CommandContextFactory contexts)
        : base(action, pastTense, description, contexts)
    {
        reason = new Option<string?>("--reason") { Description = reasonDescription, HelpName = "TEXT" };
        Options.Add(reason);
    }

    protected override Task<object?> BodyAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var text = context.ParseResult.GetValue(reason);
        if (text is { Length: > MaxReasonLength })
        {
            throw new UsageException($"--reason is {text.Length} characters long; at most {MaxReasonLength} are accepted");
        }
        return Task.FromResult<object?>(text is null ? null : new { reason = text });
    }
}

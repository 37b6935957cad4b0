using System.CommandLine;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift reject ID [--reason TEXT]</c>.</summary>
internal sealed class RejectCommand : TaskActionCommand
{
    public const int MaxReasonLength = 2000;

    private readonly Option<string?> reason = new("--reason") { Description = "Why the plan is rejected (kept on the task)", HelpName = "TEXT" };

    public RejectCommand(CommandContextFactory contexts)
        : base("reject", "rejected the plan of", "Reject a plan that waits for approval", contexts)
    {
        Options.Add(reason);
    }

    protected override Task<object?> BodyAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var text = context.ParseResult.GetValue(reason);
        if (text is { Length: > MaxReasonLength })
        {
            throw new UsageException($"--reason is {text.Length} characters long; at most {MaxReasonLength} are accepted");
        }
        return Task.FromResult<object?>(new { reason = text });
    }
}

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
        reason.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is { Length: > MaxReasonLength })
            {
                result.AddError($"--reason is {value.Length} characters long; at most {MaxReasonLength} are accepted");
            }
        });
    }

    protected override Task<object?> BodyAsync(CommandContext context, CancellationToken cancellationToken) =>
        Task.FromResult<object?>(new { reason = context.ParseResult.GetValue(reason) });
}

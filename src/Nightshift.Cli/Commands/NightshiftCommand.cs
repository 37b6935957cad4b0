using System.CommandLine;
using Nightshift.Cli.Api;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands;

/// <summary>
/// A subcommand: parses, runs <see cref="ExecuteAsync"/>, and turns every failure into one message and one exit code.
/// </summary>
internal abstract class NightshiftCommand : Command
{
    private readonly CommandContextFactory contexts;

    protected NightshiftCommand(string name, string description, CommandContextFactory contexts) : base(name, description)
    {
        this.contexts = contexts;
        SetAction(InvokeAsync);
    }

    protected abstract Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken);

    private async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var context = contexts.Create(parseResult);
        try
        {
            return await ExecuteAsync(context, cancellationToken);
        }
        catch (Exception error)
        {
            return ErrorReporter.Report(context.Output, error, cancellationToken, Name);
        }
    }
}

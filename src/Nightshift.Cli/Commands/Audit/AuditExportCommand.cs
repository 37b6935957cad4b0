using System.CommandLine;

namespace Nightshift.Cli.Commands.Audit;

/// <summary><c>nightshift audit export [--since T] [--until T]</c>: the log as JSON lines, oldest first, to stdout.</summary>
internal sealed class AuditExportCommand : NightshiftCommand
{
    private readonly Option<string?> since = new("--since") { Description = "From this time (2026-12-01, 2026-12-01T08:00:00Z) or span back (24h, 7d)", HelpName = "WHEN" };
    private readonly Option<string?> until = new("--until") { Description = "Up to this time", HelpName = "WHEN" };
    private readonly Option<string?> action = new("--action", "-a") { Description = "Only this action", HelpName = "ACTION" };

    public AuditExportCommand(CommandContextFactory contexts) : base("export", "Write the audit log as JSON lines, oldest first, to stdout", contexts)
    {
        Options.Add(since);
        Options.Add(until);
        Options.Add(action);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var filters = new Dictionary<string, string?>
        {
            ["since"] = AuditTimeOption.Read("--since", parse.GetValue(since), TimeProvider.System),
            ["until"] = AuditTimeOption.Read("--until", parse.GetValue(until), TimeProvider.System),
            ["action"] = parse.GetValue(action),
        };
        await context.Client.ExportAuditAsync(filters, context.Environment.Out, cancellationToken);
        return ExitCodes.Ok;
    }
}

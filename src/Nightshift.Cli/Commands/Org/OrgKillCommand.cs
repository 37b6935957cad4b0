using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;

namespace Nightshift.Cli.Commands.Org;

/// <summary>
/// <c>nightshift org kill [ID] --reason R [--yes]</c>: the kill switch. Cancels every task of the organisation that has
/// not ended; asks first on a terminal, and needs --yes anywhere else.
/// </summary>
internal sealed class OrgKillCommand : NightshiftCommand
{
    private readonly Argument<string?> id = OrgTarget.Argument();
    private readonly Option<string?> reason = new("--reason", "-r") { Description = "Why (kept with every cancelled task)", HelpName = "TEXT" };
    private readonly Option<bool> yes = new("--yes", "-y") { Description = "Do not ask for confirmation" };

    public OrgKillCommand(CommandContextFactory contexts) : base("kill", "Cancel every queued, waiting and running task of an organisation", contexts)
    {
        Arguments.Add(id);
        Options.Add(reason);
        Options.Add(yes);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var why = parse.GetValue(reason);
        if (string.IsNullOrWhiteSpace(why))
        {
            throw new UsageException("say why with --reason TEXT; it is kept with every cancelled task");
        }
        var orgId = await OrgTarget.ResolveAsync(context, id, cancellationToken);
        if (!parse.GetValue(yes))
        {
            if (!context.Environment.InputIsTerminal)
            {
                throw new UsageException($"this cancels every unfinished task of organisation {OrgText.Clean(orgId, 60)}; there is no terminal to ask on, so pass --yes to confirm");
            }
            context.Output.Note($"This cancels every queued, waiting and running task of organisation {OrgText.Clean(orgId, 60)}. Type the organisation's id to go on:");
            var typed = await context.Environment.In.ReadLineAsync(cancellationToken);
            if (!string.Equals(typed?.Trim(), orgId, StringComparison.Ordinal))
            {
                context.Output.Note("not confirmed; nothing was cancelled");
                return ExitCodes.Usage;
            }
        }
        var answer = await context.Client.KillOrgAsync(orgId, why.Trim(), cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        var cancelled = WebhookJson.Strings(answer, "cancelled");
        var stopping = WebhookJson.Strings(answer, "stopping");
        output.Info($"organisation {OrgText.Clean(orgId, 60)}: {cancelled.Count} waiting task(s) cancelled, {stopping.Count} running task(s) asked to stop");
        foreach (var task in cancelled)
        {
            output.Info($"  cancelled  {OrgText.Clean(task, 60)}");
        }
        foreach (var task in stopping)
        {
            output.Info($"  stopping   {OrgText.Clean(task, 60)}");
        }
        return ExitCodes.Ok;
    }
}

namespace Nightshift.Cli.Commands.Org;

/// <summary><c>nightshift org show [ID]</c>: an organisation's quotas, budgets and allowed repositories.</summary>
internal sealed class OrgShowCommand : NightshiftCommand
{
    private readonly System.CommandLine.Argument<string?> id = OrgTarget.Argument();

    public OrgShowCommand(CommandContextFactory contexts) : base("show", "Show an organisation's quotas, budgets and allowed repositories", contexts)
    {
        Arguments.Add(id);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var orgId = await OrgTarget.ResolveAsync(context, id, cancellationToken);
        var org = await context.Client.GetOrgAsync(orgId, cancellationToken);
        if (context.Output.Json)
        {
            context.Output.WriteJson(org);
            return ExitCodes.Ok;
        }
        OrgText.Write(context.Output, org);
        return ExitCodes.Ok;
    }
}

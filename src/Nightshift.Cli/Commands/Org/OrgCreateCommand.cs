using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;

namespace Nightshift.Cli.Commands.Org;

/// <summary><c>nightshift org create ID --name N [--allow-repo R]...</c>: makes an organisation and prints its first admin's token, once.</summary>
internal sealed class OrgCreateCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "The new organisation's id: lowercase letters, digits and '-' (such as acme)" };
    private readonly Option<string?> name = new("--name", "-n") { Description = "Its display name (default: the id)", HelpName = "NAME" };
    private readonly Option<string[]> repos = new("--allow-repo") { Description = "A repository its tasks may use (URL or path, optionally ending in /*); repeat for more; default: any the server allows", HelpName = "REPO", AllowMultipleArgumentsPerToken = false };

    public OrgCreateCommand(CommandContextFactory contexts) : base("create", "Create an organisation; prints its first admin's token once", contexts)
    {
        Arguments.Add(id);
        Options.Add(name);
        Options.Add(repos);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var orgId = parse.GetValue(id)!;
        var answer = await context.Client.CreateOrgAsync(
            new { id = orgId, name = parse.GetValue(name) ?? orgId, allowedRepos = parse.GetValue(repos) ?? [] },
            cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        output.Info($"created organisation {OrgText.Clean(WebhookJson.Text(answer, "id"), 60)} with admin user {OrgText.Clean(WebhookJson.Text(answer, "adminUserId"), 60)}");
        output.Info("the admin's API token (shown this once; hand it to the organisation's admin, who signs in with it):");
        output.Info(OrgText.Clean(WebhookJson.Text(answer, "adminToken")
            ?? throw new Api.ProtocolException("the server's answer has no 'adminToken'; are the CLI and server the same version?"), 200));
        return ExitCodes.Ok;
    }
}

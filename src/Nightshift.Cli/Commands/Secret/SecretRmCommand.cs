using System.CommandLine;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Secret;

/// <summary><c>nightshift secret rm NAME [--org ID]</c>: tasks fall back to the server's configured key or token.</summary>
internal sealed class SecretRmCommand : NightshiftCommand
{
    private readonly Argument<string> name = new("name") { Description = "Secret name, as `nightshift secret ls` shows it" };
    private readonly Option<string?> org = SecretOrgOption.Create();

    public SecretRmCommand(CommandContextFactory contexts) : base("rm", "Remove a secret; tasks use the server's configured key again", contexts)
    {
        Aliases.Add("remove");
        Arguments.Add(name);
        Options.Add(org);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var secretName = context.ParseResult.GetValue(name)!;
        var orgId = await SecretOrgOption.ResolveAsync(context, org, cancellationToken);
        await context.Client.DeleteSecretAsync(orgId, secretName, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(new { orgId, name = secretName, removed = true });
        }
        output.Info($"removed secret {SafeText.Clean(secretName, 80)} of {SafeText.Clean(orgId, 60)}");
        return ExitCodes.Ok;
    }
}

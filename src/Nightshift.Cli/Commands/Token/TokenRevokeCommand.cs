using System.CommandLine;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Token;

/// <summary><c>nightshift token revoke ID</c>: the token stops working at once.</summary>
internal sealed class TokenRevokeCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "Token id (tok_…), as `nightshift token ls` shows it" };

    public TokenRevokeCommand(CommandContextFactory contexts) : base("revoke", "Revoke a token; it stops working at once", contexts)
    {
        Aliases.Add("rm");
        Arguments.Add(id);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var tokenId = context.ParseResult.GetValue(id)!;
        var answer = await context.Client.RevokeTokenAsync(tokenId, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        output.Info($"revoked token {SafeText.Clean(tokenId, 80)}");
        return ExitCodes.Ok;
    }
}

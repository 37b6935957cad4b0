using System.CommandLine;
using Nightshift.Cli.Api;

namespace Nightshift.Cli.Commands.Org;

/// <summary>The organisation a command acts on: the one named, else the one the CLI's token belongs to.</summary>
internal static class OrgTarget
{
    public static Argument<string?> Argument() => new("id")
    {
        Description = "Organisation id; default: the organisation of your token",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static async Task<string> ResolveAsync(CommandContext context, Argument<string?> argument, CancellationToken cancellationToken)
    {
        if (context.ParseResult.GetValue(argument) is { Length: > 0 } given)
        {
            return given;
        }
        try
        {
            return await context.Client.OwnOrgIdAsync(cancellationToken);
        }
        catch (ApiException e) when (e.Problem.Status == 404)
        {
            // A server from before GET /api/v1/me has one organisation.
            return "default";
        }
    }
}

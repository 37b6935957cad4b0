using System.CommandLine;

namespace Nightshift.Cli.Commands.Secret;

/// <summary><c>--org ID</c>: whose secrets; by default the caller's own organisation.</summary>
internal static class SecretOrgOption
{
    public static Option<string?> Create() =>
        new("--org") { Description = "Organisation id; default: your own", HelpName = "ID" };

    public static async Task<string> ResolveAsync(CommandContext context, Option<string?> option, CancellationToken cancellationToken) =>
        context.ParseResult.GetValue(option) is { Length: > 0 } given ? given : await context.Client.OwnOrgIdAsync(cancellationToken);
}

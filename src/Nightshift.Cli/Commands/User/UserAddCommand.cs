using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.User;

/// <summary><c>nightshift user add NAME --role R</c>: adds a user; give them a token with <c>nightshift token create NAME --user ID</c>.</summary>
internal sealed class UserAddCommand : NightshiftCommand
{
    private readonly Argument<string> name = new("name") { Description = "The person's (or automation's) name" };
    private readonly Option<string> role = new("--role", "-r") { Description = "admin, member or viewer", HelpName = "ROLE", Required = true };

    public UserAddCommand(CommandContextFactory contexts) : base("add", "Add a user with a role", contexts)
    {
        Arguments.Add(name);
        Options.Add(role);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var checkedRole = UserRoles.Check(parse.GetValue(role));
        var answer = await context.Client.CreateUserAsync(parse.GetValue(name)!, checkedRole, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        var id = SafeText.Clean(WebhookJson.Text(answer, "id"), 80);
        output.Info($"added user {id} ({SafeText.Clean(WebhookJson.Text(answer, "role"), 10)})");
        output.Note($"give them a token: nightshift token create NAME --user {id}");
        return ExitCodes.Ok;
    }
}

using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.User;

/// <summary><c>nightshift user set ID [--role R] [--disable|--enable]</c>: changes a user's role or turns them off (their tokens stop at once).</summary>
internal sealed class UserSetCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "User id (usr_…), as `nightshift user ls` shows it" };
    private readonly Option<string?> role = new("--role", "-r") { Description = "New role: admin, member or viewer", HelpName = "ROLE" };
    private readonly Option<bool> disable = new("--disable") { Description = "Turn the user off: their tokens and sessions stop working" };
    private readonly Option<bool> enable = new("--enable") { Description = "Turn a disabled user back on" };

    public UserSetCommand(CommandContextFactory contexts) : base("set", "Change a user's role, or disable or enable them", contexts)
    {
        Arguments.Add(id);
        Options.Add(role);
        Options.Add(disable);
        Options.Add(enable);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var (off, on) = (parse.GetValue(disable), parse.GetValue(enable));
        if (off && on)
        {
            throw new UsageException("--disable and --enable contradict each other; give one");
        }
        var newRole = parse.GetValue(role) is { } given ? UserRoles.Check(given) : null;
        bool? disabled = off ? true : on ? false : null;
        if (newRole is null && disabled is null)
        {
            throw new UsageException("say what to change: --role ROLE, --disable or --enable");
        }
        var answer = await context.Client.UpdateUserAsync(parse.GetValue(id)!, newRole, disabled, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        output.Info($"user {SafeText.Clean(WebhookJson.Text(answer, "id"), 80)} is now {SafeText.Clean(WebhookJson.Text(answer, "role"), 10)}, " +
            (WebhookJson.Flag(answer, "disabled") ? "disabled" : "active"));
        return ExitCodes.Ok;
    }
}

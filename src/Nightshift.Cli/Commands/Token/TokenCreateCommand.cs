using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Token;

/// <summary><c>nightshift token create NAME [--scope S]... [--expires 30d|DATE] [--user ID]</c>: makes a token and prints it, once.</summary>
internal sealed class TokenCreateCommand : NightshiftCommand
{
    private readonly Argument<string> name = new("name") { Description = "What the token is for (ci, laptop, …)" };
    private readonly Option<string[]> scopes = new("--scope", "-s") { Description = "A scope to give: tasks:read, tasks:write, tasks:approve, usage:read, webhooks:manage, audit:read, admin; repeat for more; default: every scope you may give", HelpName = "SCOPE" };
    private readonly Option<string?> expires = new("--expires", "-e") { Description = "When it stops working: a number of days (30d) or a date (2027-01-31); default: never", HelpName = "WHEN" };
    private readonly Option<string?> user = new("--user", "-u") { Description = "Make it for this user (usr_…) of your organisation (needs admin); default: you", HelpName = "ID" };

    public TokenCreateCommand(CommandContextFactory contexts) : base("create", "Make a token; prints it once", contexts)
    {
        Aliases.Add("add");
        Arguments.Add(name);
        Options.Add(scopes);
        Options.Add(expires);
        Options.Add(user);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var (inDays, at) = TokenExpiry.Parse(parse.GetValue(expires));
        var given = parse.GetValue(scopes) ?? [];
        var answer = await context.Client.CreateTokenAsync(
            new
            {
                name = parse.GetValue(name),
                scopes = given.Length == 0 ? null : given.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
                expiresInDays = inDays,
                expiresAt = at,
                userId = parse.GetValue(user),
            },
            cancellationToken);
        var output = context.Output;
        output.Note("this is the only time the token is shown: store it now (a password manager, or your CI's secret store)");
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        var id = SafeText.Clean(WebhookJson.Text(answer, "id"), 80);
        var expiry = WebhookJson.Text(answer, "expiresAt") is null ? "never expires" : "expires " + WebhookJson.Time(answer, "expiresAt");
        output.Info($"made token {id} ({string.Join(", ", WebhookJson.Strings(answer, "scopes"))}; {expiry})");
        WebhookJson.Property(answer, "token");
        output.Info(SafeText.Clean(WebhookJson.Text(answer, "token"), 200));
        return ExitCodes.Ok;
    }
}

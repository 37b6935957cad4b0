using Nightshift.Core.Text;
using System.CommandLine;
using System.Globalization;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands.Webhooks;

/// <summary>
/// <c>nightshift webhooks rotate ID [--retire-after 24h]</c>: adds a signing secret (printed once); every active secret
/// signs until the others retire, so receivers can switch without missing a delivery.
/// </summary>
internal sealed class WebhooksRotateCommand : NightshiftCommand
{
    public const int MaxRetireDays = 30;

    private readonly Argument<string> id = new("id") { Description = "Endpoint id (we_…)" };
    private readonly Option<string?> retireAfter = new("--retire-after") { Description = "The other secrets stop signing this long from now: 90s, 30m, 24h, 7d or hh:mm:ss (default: they keep signing until removed)", HelpName = "DURATION" };

    public WebhooksRotateCommand(CommandContextFactory contexts) : base("rotate", "Add a new signing secret (printed once); optionally retire the others later", contexts)
    {
        Arguments.Add(id);
        Options.Add(retireAfter);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        TimeSpan? retire = null;
        if (parse.GetValue(retireAfter) is { } text)
        {
            retire = ParseDuration(text)
                ?? throw new UsageException($"--retire-after '{SafeText.Clean(text, 40)}' is not a duration; use 90s, 30m, 24h, 7d or hh:mm:ss, at most {MaxRetireDays} days");
        }
        var answer = await context.Client.RotateSecretAsync(parse.GetValue(id)!, retire, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
            return ExitCodes.Ok;
        }
        var secret = WebhookJson.Property(answer, "secret");
        output.Info($"new signing secret {SafeText.Clean(WebhookJson.Text(secret, "id"), 80)} (shown this once; give it to your receiver now):");
        output.Info(SafeText.Clean(WebhookJson.Text(secret, "value"), 200));
        output.Info(retire is { } after
            ? $"the other secrets stop signing in {TaskFormatter.Duration(after)}"
            : "the other secrets keep signing too; retire them with --retire-after, or remove them through the API");
        return ExitCodes.Ok;
    }

    /// <returns>the duration, or null when the text is none or out of range.</returns>
    public static TimeSpan? ParseDuration(string text)
    {
        var trimmed = text.Trim();
        TimeSpan value;
        if (trimmed.Length >= 2 && char.IsAsciiLetter(trimmed[^1])
            && double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            double? seconds = char.ToLowerInvariant(trimmed[^1]) switch
            {
                's' => amount,
                'm' => amount * 60,
                'h' => amount * 3600,
                'd' => amount * 86400,
                _ => null,
            };
            if (seconds is not { } s || !double.IsFinite(s) || s > MaxRetireDays * 86400.0)
            {
                return null;
            }
            value = TimeSpan.FromSeconds(seconds.Value);
        }
        else if (!TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value))
        {
            return null;
        }
        return value >= TimeSpan.Zero && value <= TimeSpan.FromDays(MaxRetireDays) ? value : null;
    }
}

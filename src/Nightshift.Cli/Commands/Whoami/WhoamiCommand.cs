using System.Text.Json;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Whoami;

/// <summary><c>nightshift whoami</c>: the organisation, user, role and scopes the server gives this command's token.</summary>
internal sealed class WhoamiCommand(CommandContextFactory contexts)
    : NightshiftCommand("whoami", "Show who the server takes you for: organisation, user, role and scopes", contexts)
{
    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var me = await context.Client.MeAsync(cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(me);
            return ExitCodes.Ok;
        }
        var scopes = me.TryGetProperty("scopes", out var list) && list.ValueKind == JsonValueKind.Array
            ? string.Join(", ", list.EnumerateArray().Select(s => SafeText.Clean(s.GetString(), 30)))
            : "";
        output.Text($"organisation  {Text(me, "orgId")}");
        output.Text($"user          {Text(me, "userName")} ({Text(me, "userId")})");
        output.Text($"role          {Text(me, "role")}");
        output.Text($"scopes        {scopes}");
        output.Text($"signed in by  {Text(me, "via")}{(Text(me, "tokenId") is { Length: > 0 } token ? " " + token : "")}");
        return ExitCodes.Ok;
    }

    private static string Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? SafeText.Clean(value.GetString(), 100) : "";
}

using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Secret;

/// <summary><c>nightshift secret set NAME [--org ID]</c>: the value from standard input, or a prompt that does not echo it.</summary>
internal sealed class SecretSetCommand : NightshiftCommand
{
    private readonly Argument<string> name = new("name") { Description = "Secret name, such as model.openai.api-key or forge.github.token (see docs/secrets.md)" };
    private readonly Option<string?> org = SecretOrgOption.Create();

    public SecretSetCommand(CommandContextFactory contexts)
        : base("set", "Set a secret; its value is read from standard input or a hidden prompt, never from the command line", contexts)
    {
        Arguments.Add(name);
        Options.Add(org);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var secretName = context.ParseResult.GetValue(name)!;
        var orgId = await SecretOrgOption.ResolveAsync(context, org, cancellationToken);
        var value = await SecretValueInput.ReadAsync(context.Environment, SafeText.Clean(secretName, 80), cancellationToken);
        var answer = await context.Client.PutSecretAsync(orgId, secretName, value, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(answer);
        }
        var updated = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("updatedAt", out var at) ? at.ToString() : "now";
        output.Info($"secret {SafeText.Clean(secretName, 80)} of {SafeText.Clean(orgId, 60)} set ({SafeText.Clean(updated, 40)}); it is stored encrypted and is not shown again");
        return ExitCodes.Ok;
    }
}

using System.CommandLine;
using System.Text.Json;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift approve ID [--plan FILE]</c>: lets a waiting plan be built, optionally replaced by an edited one.</summary>
internal sealed class ApproveCommand : TaskActionCommand
{
    /// <summary>The server's request body limit; a larger plan could not be sent anyway.</summary>
    public const int MaxPlanBytes = 1024 * 1024 - 1024;

    private readonly Option<FileInfo?> plan = new("--plan") { Description = "An edited plan (JSON) to build instead of the proposed one", HelpName = "FILE" };

    public ApproveCommand(CommandContextFactory contexts)
        : base("approve", "approved the plan of", "Approve a plan that waits for approval", contexts)
    {
        Options.Add(plan);
    }

    protected override async Task<object?> BodyAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var file = context.ParseResult.GetValue(plan);
        if (file is null)
        {
            return null;
        }
        if (!file.Exists)
        {
            throw new UsageException($"the plan file '{file.FullName}' does not exist");
        }
        if (file.Length > MaxPlanBytes)
        {
            throw new UsageException($"the plan file '{file.FullName}' is {file.Length} bytes; at most {MaxPlanBytes} are accepted");
        }
        var text = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        JsonElement parsed;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            parsed = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new UsageException($"the plan file '{file.FullName}' is not valid JSON ({error.Message}); save the plan as shown by `nightshift show --json` and edit it");
        }
        if (parsed.ValueKind is not JsonValueKind.Object)
        {
            throw new UsageException($"the plan file '{file.FullName}' holds a JSON {parsed.ValueKind.ToString().ToLowerInvariant()}; a plan is a JSON object");
        }
        return new { plan = parsed };
    }
}

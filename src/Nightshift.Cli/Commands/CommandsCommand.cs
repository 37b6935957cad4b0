using System.CommandLine;
using System.Text.Json;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands;

/// <summary>
/// <c>nightshift commands ID [--all]</c>: the task's command audit trail, every command it ran in a jail, oldest first
/// (the first <see cref="PageSize"/> unless <c>--all</c>); <c>--json</c> prints the commands and their totals.
/// </summary>
internal sealed class CommandsCommand : NightshiftCommand
{
    public const int PageSize = 100;

    /// <summary>Pages --all reads at most, so a runaway trail cannot keep the command going for ever.</summary>
    public const int MaxPages = 1_000;

    private readonly Argument<string> id = new("id") { Description = "Task id, or its last 8 characters" };
    private readonly Option<bool> all = new("--all", "-a") { Description = "Every command, page after page (otherwise the first 100)" };

    public CommandsCommand(CommandContextFactory contexts)
        : base("commands", "Every command a task ran in its sandbox: phase, exit code or limit, duration, network", contexts)
    {
        Arguments.Add(id);
        Options.Add(all);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var client = context.Client;
        var taskId = await TaskIdResolver.ResolveAsync(client, context.ParseResult.GetValue(id), cancellationToken);
        var everything = context.ParseResult.GetValue(all);
        var commands = new List<JsonElement>();
        JsonElement? totals = null;
        long? next = 0;
        for (var page = 0; next is { } after && page < (everything ? MaxPages : 1); page++)
        {
            var answer = await client.GetTaskCommandsAsync(taskId, after, PageSize, cancellationToken);
            totals = answer.TryGetProperty("totals", out var t) ? t.Clone() : null;
            if (answer.TryGetProperty("commands", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                commands.AddRange(items.EnumerateArray().Select(c => c.Clone()));
            }
            next = answer.TryGetProperty("next", out var n) && n.TryGetInt64(out var value) && value > after ? value : null;
        }

        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(new { taskId, commands, totals });
            return ExitCodes.Ok;
        }
        if (commands.Count == 0)
        {
            output.Info("this task has run no commands yet");
            return ExitCodes.Ok;
        }
        foreach (var line in CommandTable.Lines(commands, output.Width))
        {
            output.Text(line);
        }
        if (totals is { } sums)
        {
            output.Text(Summary(sums));
        }
        if (next is not null)
        {
            output.Note($"showing the first {commands.Count}; every command with --all");
        }
        return ExitCodes.Ok;
    }

    private static string Summary(JsonElement totals)
    {
        long Count(string name) => totals.TryGetProperty(name, out var value) && value.TryGetInt64(out var count) ? count : 0;
        var text = $"{Count("commands")} commands, {Count("failed")} failed";
        var allowed = Count("networkAllowed");
        var denied = Count("networkDenied");
        return allowed + denied == 0 ? text : $"{text}; network: {allowed} connections allowed, {denied} refused";
    }
}

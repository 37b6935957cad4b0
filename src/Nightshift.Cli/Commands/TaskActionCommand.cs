using System.CommandLine;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands;

/// <summary>The shape shared by cancel, retry, approve and reject: resolve the id, POST the action, show the task.</summary>
internal abstract class TaskActionCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "Task id, or its last 8 characters" };
    private readonly string action;
    private readonly string pastTense;

    protected TaskActionCommand(string action, string pastTense, string description, CommandContextFactory contexts)
        : base(action, description, contexts)
    {
        this.action = action;
        this.pastTense = pastTense;
        Arguments.Add(id);
    }

    /// <summary>The JSON body for the action, or null for none.</summary>
    protected virtual Task<object?> BodyAsync(CommandContext context, CancellationToken cancellationToken) => Task.FromResult<object?>(null);

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var body = await BodyAsync(context, cancellationToken);
        var client = context.Client;
        var taskId = await TaskIdResolver.ResolveAsync(client, context.ParseResult.GetValue(id), cancellationToken);
        var task = await client.ActAsync(taskId, action, body, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(task.Json);
        }
        output.Info($"{pastTense} task {task.Task.ShortId}: now {TaskFormatter.Status(task.Task)}");
        return ExitCodes.Ok;
    }
}

using System.CommandLine;
using Nightshift.Cli.Output;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Commands;

/// <summary>
/// <c>nightshift say ID TEXT</c>: a message to a queued or running task, which the agent reads at its next model turn,
/// or the answer to the question a task awaiting_input asked (it then resumes).
/// </summary>
internal sealed class SayCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "Task id, or its last 8 characters" };
    private readonly Argument<string> text = new("text") { Description = "What to tell the task, or the answer to its question (quote it)" };

    public SayCommand(CommandContextFactory contexts)
        : base("say", "Send a running task a message, or answer the question it is waiting on", contexts)
    {
        Arguments.Add(id);
        Arguments.Add(text);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var message = context.ParseResult.GetValue(text) ?? "";
        if (message.Trim().Length == 0)
        {
            throw new UsageException("the message is empty; say what the task should know, for example: nightshift say ID \"use the v2 endpoint\"");
        }
        if (message.Trim().Length > TaskMessage.MaxTextLength)
        {
            throw new UsageException($"the message is {message.Trim().Length} characters long; at most {TaskMessage.MaxTextLength} are accepted");
        }
        var client = context.Client;
        var taskId = await TaskIdResolver.ResolveAsync(client, context.ParseResult.GetValue(id), cancellationToken);
        var answering = (await client.GetTaskAsync(taskId, cancellationToken)).Task.Status == TaskState.AwaitingInput;
        var task = await client.ActAsync(taskId, "messages", new { text = message }, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(task.Json);
        }
        output.Info(answering && task.Task.Status != TaskState.AwaitingInput
            ? $"answered task {task.Task.ShortId}: now {TaskFormatter.Status(task.Task)}; it resumes with your answer"
            : $"sent to task {task.Task.ShortId} ({TaskFormatter.Status(task.Task)}); the agent reads it at its next step");
        return ExitCodes.Ok;
    }
}

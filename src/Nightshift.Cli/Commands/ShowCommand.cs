using System.CommandLine;
using Nightshift.Cli.Output;
using Nightshift.Core.Tasks;
using Nightshift.Core.Text;
using Spectre.Console;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift show ID</c>: one task in full.</summary>
internal sealed class ShowCommand : NightshiftCommand
{
    private readonly Argument<string> id = new("id") { Description = "Task id, or its last 8 characters" };

    public ShowCommand(CommandContextFactory contexts) : base("show", "Show one task: status, plan, usage, branch, pull request", contexts)
    {
        Arguments.Add(id);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var client = context.Client;
        var taskId = await TaskIdResolver.ResolveAsync(client, context.ParseResult.GetValue(id), cancellationToken);
        var task = await client.GetTaskAsync(taskId, cancellationToken);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(task.Json);
            return ExitCodes.Ok;
        }
        var question = task.Task.Status == TaskState.AwaitingInput ? await client.GetWaitingQuestionAsync(taskId, cancellationToken) : null;
        output.Console.Write(Details(task.Task, context.Environment.Time, question));
        return ExitCodes.Ok;
    }

    public static Grid Details(TaskRecord task, TimeProvider time, string? question = null)
    {
        var now = time.GetUtcNow();
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Text(name), new Text(value));
            }
        }
        string When(DateTimeOffset? at) => at is { } t
            ? TimeZoneInfo.ConvertTime(t, time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture) + "  (" + TaskFormatter.Age(t, now) + ")"
            : "";

        Row("id", task.Id);
        Row("title", SafeText.Clean(task.Title, 200));
        Row("status", TaskFormatter.Status(task) + (task.CancelRequested && !task.Status.IsTerminal() ? "  (cancel requested)" : ""));
        Row("repo", SafeText.Clean(task.Repo, 500));
        Row("base", SafeText.Clean(task.BaseBranch, 200));
        Row("model", SafeText.Clean(task.Model, 200));
        Row("priority", task.Priority == 0 ? null : task.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("question", question is null ? null : SafeText.Clean(question, 2000) + $"\n(answer it: nightshift say {task.ShortId} \"...\")");
        Row("approval", task.RequirePlanApproval ? "the plan waits for a person" : null);
        Row("attempts", $"{task.Attempts} of {task.MaxAttempts}");
        Row("created", When(task.CreatedAt));
        Row("started", When(task.StartedAt));
        Row("finished", When(task.FinishedAt));
        Row("worker", SafeText.Clean(task.LeaseOwner, 200));
        Row("usage", task.Usage.Calls == 0 ? "no model calls yet" : TaskFormatter.Tokens(task.Usage));
        Row("cost", task.Usage.Calls == 0 ? null : TaskFormatter.Cost(task.Usage) + (task.Usage.CostComplete ? "" : $"  ({task.Usage.UnpricedCalls} calls without a known price)"));
        Row("branch", SafeText.Clean(task.Branch, 200));
        Row("pull request", SafeText.Clean(task.PullRequest, 500));
        Row("error", SafeText.Clean(task.LastError, 2000));
        Row("plan", task.Plan is null ? null : SafeText.Clean(task.Plan, 400));
        Row("instruction", SafeText.Clean(task.Instruction, 2000));
        return grid;
    }
}

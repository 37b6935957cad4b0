using System.CommandLine;
using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift submit --repo R "instruction"</c>: queues a task on a running server, and follows it on request.</summary>
internal sealed class SubmitCommand : NightshiftCommand
{
    // Beyond the server's own instruction limit, with room for multi-byte text; stops a runaway pipe early.
    private const int MaxStdinChars = NewTask.MaxInstructionLength + 1;

    private readonly Argument<string> instruction = new("instruction")
    {
        Description = "What should change, in plain language ('-' reads it from stdin)",
    };

    private readonly Option<string> repo = new("--repo", "-r") { Description = "Repository URL or local path", Required = true, HelpName = "REPO" };
    private readonly Option<string?> title = new("--title") { Description = "Short title (default: the instruction's first sentence or line, at most 80 characters)", HelpName = "TITLE" };
    private readonly Option<string?> baseBranch = new("--base") { Description = "Branch to start from (default: the repository's default branch)", HelpName = "BRANCH" };
    private readonly Option<string?> model = new("--model", "-m") { Description = "Model as provider/model, e.g. anthropic/claude-sonnet-4-5", HelpName = "MODEL" };
    private readonly Option<int?> priority = new("--priority") { Description = $"Higher runs first ({NewTask.MinPriority}..{NewTask.MaxPriority})", HelpName = "N" };
    private readonly Option<bool> requireApproval = new("--require-approval") { Description = "Wait for a person to approve the plan before building" };
    private readonly Option<string?> idempotencyKey = new("--idempotency-key") { Description = "Submitting twice with the same key returns the first task", HelpName = "KEY" };
    private readonly Option<bool> follow = new("--follow", "-f") { Description = "Follow the task's events until it ends; the exit code tells how it ended" };

    public SubmitCommand(CommandContextFactory contexts) : base("submit", "Submit a task to a running server", contexts)
    {
        Arguments.Add(instruction);
        Options.Add(repo);
        Options.Add(title);
        Options.Add(baseBranch);
        Options.Add(model);
        Options.Add(priority);
        Options.Add(requireApproval);
        Options.Add(idempotencyKey);
        Options.Add(follow);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var text = parse.GetValue(instruction) ?? "";
        if (text == "-")
        {
            text = await ReadStdinAsync(context.Environment.In, cancellationToken);
        }
        var request = new SubmitRequest(
            parse.GetValue(repo) ?? "",
            text,
            parse.GetValue(title),
            parse.GetValue(baseBranch),
            parse.GetValue(model),
            parse.GetValue(priority),
            parse.GetValue(requireApproval),
            parse.GetValue(idempotencyKey));
        ValidateLocally(request);

        var output = context.Output;
        var (task, created) = await context.Client.SubmitAsync(request, cancellationToken);
        if (output.Json && !parse.GetValue(follow))
        {
            output.WriteJson(task.Json);
        }
        var verb = created ? "submitted" : "already submitted with this idempotency key:";
        output.Info($"{verb} task {task.Task.ShortId} ({task.Task.Id}) — {task.Task.Status.ToWire()}");
        if (!parse.GetValue(follow))
        {
            output.Info($"follow it with `nightshift logs {task.Task.ShortId} -f`");
            return ExitCodes.Ok;
        }
        return await TaskFollower.FollowAsync(context, task, 0, cancellationToken);
    }

    /// <summary>The server validates too; checking first gives the same messages without a round trip, even offline.</summary>
    private static void ValidateLocally(SubmitRequest request)
    {
        try
        {
            new NewTask
            {
                Repo = request.Repo,
                Instruction = request.Instruction,
                Title = request.Title,
                BaseBranch = request.BaseBranch,
                Model = request.Model,
                Priority = request.Priority ?? 0,
                RequirePlanApproval = request.RequirePlanApproval,
                IdempotencyKey = request.IdempotencyKey,
            }.Validated();
        }
        catch (ValidationException error)
        {
            throw new UsageException("the task cannot be submitted as given:", error.Errors);
        }
    }

    private static async Task<string> ReadStdinAsync(TextReader input, CancellationToken cancellationToken)
    {
        var buffer = new char[MaxStdinChars + 1];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await input.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        if (total > MaxStdinChars)
        {
            throw new UsageException($"the instruction on stdin is longer than {NewTask.MaxInstructionLength} characters; attach long material to the repository instead");
        }
        return new string(buffer, 0, total);
    }
}

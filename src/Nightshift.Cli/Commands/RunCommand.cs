using System.CommandLine;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Commands;

/// <summary>
/// <c>nightshift run --repo R "instruction"</c>: one task in this process, with the live display; exit 0 only if it
/// succeeded. A local path (working or bare repository) is the remote: the task's branch is pushed back to it.
/// </summary>
internal sealed class RunCommand : NightshiftCommand
{
    private readonly Argument<string> instruction = new("instruction") { Description = "What should change, in plain language" };
    private readonly Option<string> repo = new("--repo", "-r") { Description = "Repository URL or local path", Required = true, HelpName = "REPO" };
    private readonly Option<string?> model = new("--model", "-m") { Description = "Model as provider/model (default: NIGHTSHIFT_MODEL)", HelpName = "MODEL" };
    private readonly Option<string?> baseBranch = new("--base") { Description = "Branch to start from (default: the repository's HEAD branch)", HelpName = "BRANCH" };

    public RunCommand(CommandContextFactory contexts) : base("run", "Run one task in this process, without a server", contexts)
    {
        Arguments.Add(instruction);
        Options.Add(repo);
        Options.Add(model);
        Options.Add(baseBranch);
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var request = new NewTask
        {
            Repo = parse.GetValue(repo) ?? "",
            Instruction = parse.GetValue(instruction) ?? "",
            Model = parse.GetValue(model),
            BaseBranch = parse.GetValue(baseBranch),
            Source = "cli",
        };
        return InProcessRun.RunAsync(context, request, cancellationToken);
    }
}

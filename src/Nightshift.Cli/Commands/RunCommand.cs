using System.CommandLine;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift run --repo R "instruction"</c>: one task in-process. Needs the agent, which this build lacks.</summary>
internal sealed class RunCommand : NightshiftCommand
{
    private readonly Argument<string> instruction = new("instruction") { Description = "What should change, in plain language" };
    private readonly Option<string> repo = new("--repo", "-r") { Description = "Repository URL or local path", Required = true, HelpName = "REPO" };
    private readonly Option<string?> model = new("--model", "-m") { Description = "Model as provider/model", HelpName = "MODEL" };

    public RunCommand(CommandContextFactory contexts) : base("run", "Run one task in this process, without a server (needs the agent)", contexts)
    {
        Arguments.Add(instruction);
        Options.Add(repo);
        Options.Add(model);
    }

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NoAgentMessage.Report(context, "run"));
}

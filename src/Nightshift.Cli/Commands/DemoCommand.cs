using System.CommandLine;
using Nightshift.Agent.Demo;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Commands;

/// <summary>
/// <c>nightshift demo</c>: creates a small repository with a real bug and a failing test, and runs a task on it end to
/// end. The model's side is a recorded session unless <c>--live</c> is given; the worktree, sandbox, tests, commit and
/// push are real either way, and the verdict comes from the real verifier, not from the recording.
/// </summary>
internal sealed class DemoCommand : NightshiftCommand
{
    private readonly Option<bool> live = new("--live") { Description = "Ask the configured model (NIGHTSHIFT_MODEL and its key) instead of replaying the recorded session" };

    public DemoCommand(CommandContextFactory contexts)
        : base("demo", "Fix a bug in a sample repository end to end (a recorded session unless --live)", contexts)
    {
        Options.Add(live);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var isLive = context.ParseResult.GetValue(live);
        var stamp = context.Environment.Time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var folder = Path.Combine(context.DataDirectory, "demo", $"shop-{stamp}-{Environment.ProcessId}");
        if (isLive && string.IsNullOrWhiteSpace(context.Environment.GetVariable("NIGHTSHIFT_MODEL")))
        {
            throw new UsageException("`demo --live` asks a real model: set NIGHTSHIFT_MODEL (e.g. openai/gpt-4.1) and its key (e.g. OPENAI_API_KEY), or run `nightshift demo` to replay the recorded session");
        }

        await DemoProject.CreateAsync(folder, cancellationToken);
        string? model = null;
        // Replay reads cassettes from one folder only (Models:ReplayDirectory); this run reads the demo's from its own.
        var sessions = Path.Combine(context.DataDirectory, "replay");
        if (isLive)
        {
            context.Output.Note("nightshift demo — LIVE: the agent is the model named by NIGHTSHIFT_MODEL.");
        }
        else
        {
            model = await DemoSession.ExtractAsync(Path.Combine(sessions, Path.GetFileName(folder) + ".session.jsonl"), cancellationToken);
            context.Output.Note("nightshift demo — REPLAY: no model is called. The agent's side of this run is a recorded, scripted");
            context.Output.Note("session shipped with Nightshift. Everything else is real: the git worktree, the bubblewrap sandbox,");
            context.Output.Note("the repository's own tests (run by the verifier, not the recording), the commit and the pushed branch.");
        }
        context.Output.Note($"sample repository: {folder} (a cart library whose discount is wrong; `node --test` fails)");

        var exit = await InProcessRun.RunAsync(context, new NewTask
        {
            Repo = folder,
            Instruction = DemoProject.Instruction,
            // The title is part of the recorded conversation; the model string and the source mark the replay.
            Title = DemoProject.Title,
            Model = model,
            Source = isLive ? "demo" : "demo-replay",
        }, isLive ? null : sessions, cancellationToken);

        if (exit == ExitCodes.Ok)
        {
            context.Output.Note($"see the change: git -C {folder} log -p -1 <branch above>   ·   list branches: git -C {folder} branch");
        }
        return exit;
    }
}

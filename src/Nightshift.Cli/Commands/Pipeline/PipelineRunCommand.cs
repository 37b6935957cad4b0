using System.CommandLine;
using Nightshift.Cli.Commands.Webhooks;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary>
/// <c>nightshift pipeline run NAME [--repo R] [--base B] [--input k=v]... [--follow]</c>: starts a run of a registered
/// pipeline, or of the repository's <c>.nightshift/pipelines/NAME.yml</c>; with --follow, prints the run's events until
/// it ends and exits 0 (succeeded), 1 (failed or cancelled) or 2 (needs review).
/// </summary>
internal sealed class PipelineRunCommand : NightshiftCommand
{
    private readonly Argument<string> name = new("name") { Description = "A registered pipeline, or NAME of .nightshift/pipelines/NAME.yml in the repository" };
    private readonly Option<string?> repo = new("--repo", "-r") { Description = "Repository (default: the pipeline's repo:)", HelpName = "REPO" };
    private readonly Option<string?> baseBranch = new("--base") { Description = "Branch to start from (default: the pipeline's base_branch:, else the repository's default)", HelpName = "BRANCH" };
    private readonly Option<string[]> inputs = new("--input", "-i") { Description = "An input as NAME=VALUE (repeatable)", HelpName = "NAME=VALUE", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string?> idempotencyKey = new("--idempotency-key") { Description = "Starting twice with the same key returns the first run", HelpName = "KEY" };
    private readonly Option<bool> follow = new("--follow", "-f") { Description = "Print the run's events until it ends; exit 0 succeeded, 1 failed or cancelled, 2 needs review" };

    public PipelineRunCommand(CommandContextFactory contexts) : base("run", "Start a run of a pipeline", contexts)
    {
        Arguments.Add(name);
        Options.Add(repo);
        Options.Add(baseBranch);
        Options.Add(inputs);
        Options.Add(idempotencyKey);
        Options.Add(follow);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var values = ParseInputs(parse.GetValue(inputs) ?? []);
        var body = new
        {
            pipeline = parse.GetValue(name),
            repo = parse.GetValue(repo),
            baseBranch = parse.GetValue(baseBranch),
            inputs = values,
            idempotencyKey = parse.GetValue(idempotencyKey),
        };
        var (run, created) = await context.Client.StartRunAsync(body, cancellationToken);
        var output = context.Output;
        var following = parse.GetValue(follow);
        if (output.Json && !following)
        {
            output.WriteJson(run);
        }
        var id = WebhookJson.Text(run, "id") ?? throw new Api.ProtocolException("the server's run has no id; are the CLI and server the same version?");
        output.Info($"{(created ? "started" : "already started with this idempotency key:")} run {SafeText.Clean(id, 64)} of {PipelineJson.Text(run, "pipeline", 64)} on branch {PipelineJson.Text(run, "branch", 200)} — {PipelineJson.Text(run, "state", 20)}");
        if (!following)
        {
            output.Info($"follow it with `nightshift pipeline show {SafeText.Clean(id, 64)}`");
            return ExitCodes.Ok;
        }
        return await RunFollower.FollowAsync(context, id, cancellationToken);
    }

    /// <exception cref="UsageException">an input is not NAME=VALUE, or a name is given twice.</exception>
    internal static Dictionary<string, string> ParseInputs(IEnumerable<string> given)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in given)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--input '{SafeText.Clean(entry, 60)}' is not NAME=VALUE; write e.g. --input package=left-pad");
            }
            var key = entry[..equals].Trim();
            if (!values.TryAdd(key, entry[(equals + 1)..]))
            {
                throw new UsageException($"--input {SafeText.Clean(key, 60)} is given twice; give each input once");
            }
        }
        return values;
    }
}

using System.Globalization;

namespace Nightshift.Agent.Tools;

/// <summary>Runs a shell command in the sandbox (no network, worktree read-write) and returns its exit code and output.</summary>
public sealed class RunTool : AgentTool
{
    public override string Name => "run";

    public override string Description =>
        "Run a shell command (bash) in the repository inside a sandbox without network access, e.g. tests or a build. Returns exit code and output.";

    public override bool ReadOnly => false;

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("command", ToolParameterType.String, "the bash command line to run from the repository root", MaxLength: 8_000),
        new("timeout_seconds", ToolParameterType.Integer, "how long it may run (default 300)", Required: false, Minimum: 1, Maximum: 3_600),
    ];

    public override async Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var command = arguments.GetString("command");
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ToolException("command is empty");
        }
        var timeout = arguments.GetOptionalInteger("timeout_seconds") is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : context.Limits.DefaultCommandTimeout;
        if (timeout > context.Limits.MaxCommandTimeout)
        {
            timeout = context.Limits.MaxCommandTimeout;
        }
        var outcome = await context.Commands.RunAsync(command, timeout, cancellationToken);
        var head = outcome.TimedOut
            ? $"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (the whole process tree was killed)"
            : $"exit code {outcome.ExitCode.ToString(CultureInfo.InvariantCulture)}";
        var body = OutputText.Cap(outcome.Output, context.Limits.MaxResultChars);
        return new ToolResult($"{head}\n{body}", IsError: outcome.TimedOut);
    }
}

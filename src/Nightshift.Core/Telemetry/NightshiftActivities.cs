using System.Diagnostics;

namespace Nightshift.Core.Telemetry;

/// <summary>
/// The one <see cref="ActivitySource"/> of a task's spans, and the span and tag names they use. Without a listener
/// (no OpenTelemetry set up, no test exporter) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns
/// null and a span costs one check.
/// </summary>
public static class NightshiftActivities
{
    /// <summary>The source every module starts its spans from (<see cref="NightshiftTelemetry.ActivitySourceName"/>).</summary>
    public static ActivitySource Source { get; } = new(NightshiftTelemetry.ActivitySourceName);

    /// <summary>The root span of one attempt at a task, from the worker's claim to the end it recorded.</summary>
    public const string TaskRun = "task.run";

    /// <summary>The task's worktree: clone or fetch, branch, .nightshift.yml.</summary>
    public const string Workspace = "task.workspace";

    /// <summary>Setup commands and the start of the baseline test run.</summary>
    public const string Prepare = "task.prepare";

    public const string Plan = "task.plan";

    public const string Build = "task.build";

    public const string Verify = "task.verify";

    public const string Publish = "task.publish";

    /// <summary>One command in the sandbox; named after the program only, never its arguments.</summary>
    public const string Command = "sandbox.command";

    /// <summary>A tool call's span name: <c>execute_tool {name}</c>, as the GenAI semantic conventions name it.</summary>
    public static string ToolCall(string? tool) => string.IsNullOrEmpty(tool) ? "execute_tool" : "execute_tool " + tool;

    public const string TaskIdTag = "nightshift.task.id";
    public const string RepoTag = "nightshift.task.repo";
    public const string AttemptTag = "nightshift.task.attempt";
    public const string OutcomeTag = "nightshift.task.outcome";
    public const string StatusTag = "nightshift.task.status";
    public const string CostTag = "nightshift.model.cost_usd";
    public const string ExecutableTag = "process.executable.name";
    public const string ExitCodeTag = "process.exit.code";
    public const string LimitTag = "nightshift.sandbox.limit";
    public const string TimedOutTag = "nightshift.sandbox.timed_out";
    public const string ToolNameTag = "gen_ai.tool.name";
    public const string ToolCallIdTag = "gen_ai.tool.call.id";
    public const string OperationTag = "gen_ai.operation.name";

    /// <summary>Starts a span that begins a trace of its own, whatever span the caller is in.</summary>
    public static Activity? StartRoot(string name)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            return Source.StartActivity(name, ActivityKind.Internal);
        }
        finally
        {
            if (Activity.Current is null)
            {
                Activity.Current = previous;
            }
        }
    }
}

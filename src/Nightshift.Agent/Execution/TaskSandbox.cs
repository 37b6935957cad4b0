using Nightshift.Agent.Configuration;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Sandbox;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The sandbox as the phases of one task use it: a command runner per purpose (setup, verify, plan, agent) with the
/// network that phase gets within the operator's ceiling, the tools on a worktree, and the build agent on them.
/// </summary>
internal sealed class TaskSandbox(ISandbox sandbox, ITaskWorkspaces workspaces, NetworkCeilings ceilings, TimeProvider time)
{
    public NetworkCeilings Ceilings { get; } = ceilings;

    public SandboxCommandRunner Runner(ITaskRun run, Workspace workspace, string cache, string purpose, NetworkPolicy network) =>
        new(sandbox, run, workspace.Path, cache, network, purpose);

    /// <summary>The network <paramref name="phase"/> gets: what the repository asks for, within the operator's ceiling.</summary>
    public NetworkPolicy Network(RepoConfig config, RepoNetworkPhase phase) => PhaseNetworkPolicy.Resolve(config.Network, Ceilings).For(phase);

    public ToolContext Tools(TaskAttempt attempt, Workspace workspace, string purpose, IDiffSource? diff = null) =>
        new(new Worktree(workspace.Path), Runner(attempt.Run, workspace, attempt.Cache, purpose, Network(attempt.Config, RepoNetworkPhase.Agent)), diff ?? new WorkspaceDiffSource(workspaces, workspace));

    /// <summary>
    /// The build agent working in <paramref name="workspace"/>, its events under <paramref name="role"/> (build, merge), its
    /// usage charged to <paramref name="subtask"/> (null: to the task as a whole). It reads the task's messages before each
    /// turn; with <paramref name="mayAsk"/> it is also offered the <c>ask</c> tool, where someone can answer.
    /// </summary>
    public AgentLoop BuildAgent(TaskAttempt attempt, Workspace workspace, string role, IDiffSource? diff = null, string? subtask = null, bool mayAsk = false) =>
        new(attempt.Model.Client, [.. ToolBox.BuildTools(), .. AskTools(attempt, mayAsk)], Tools(attempt, workspace, "agent", diff), new RunObserver(attempt.Run, role, subtask),
            attempt.Model.Meter, attempt.Budget, time, attempt.Inbox?.Reader());

    /// <summary>The ask tool, where the task can be answered and allows questions at all.</summary>
    public static IReadOnlyList<AgentTool> AskTools(TaskAttempt attempt, bool mayAsk) =>
        mayAsk && attempt.Inbox is { MaxQuestions: > 0 } inbox ? [new AskTool(inbox)] : [];
}

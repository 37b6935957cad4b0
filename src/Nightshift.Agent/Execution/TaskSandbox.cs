using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Nightshift.Agent.Configuration;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tools;
using Nightshift.Core.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;
using Nightshift.Workspaces;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The sandbox as the phases of one task use it: a command runner per purpose (setup, verify, plan, agent) with the
/// network that phase gets within the operator's ceiling, the tools on a worktree, and the build agent on them.
/// </summary>
internal sealed class TaskSandbox(ISandbox sandbox, ITaskWorkspaces workspaces, NetworkCeilings ceilings, TimeProvider time, ILogger? logger = null, EgressCredentialResolver? credentials = null)
{
    private readonly ConditionalWeakTable<ITaskRun, TaskLimitWatch> _watches = [];

    // Each running task's egress credentials, resolved once per attempt (PrepareCredentialsAsync) and dropped after it.
    private readonly ConcurrentDictionary<string, IReadOnlyList<EgressCredential>> _credentials = new(StringComparer.Ordinal);

    public NetworkCeilings Ceilings { get; } = ceilings;

    /// <summary>The sandbox's settings: the operator's default and maximum limits (Sandbox:DefaultLimits, Sandbox:MaxLimits, Sandbox:MaxTimeout).</summary>
    public SandboxOptions Options { get; init; } = new();

    /// <summary>
    /// Resolves the egress credentials of <paramref name="task"/>'s organisation for this attempt, when any phase of it
    /// gets network; throws <see cref="EgressCredentialException"/> when one cannot be had.
    /// </summary>
    public async Task PrepareCredentialsAsync(RepoConfig config, TaskRecord task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (credentials is not { Any: true })
        {
            return;
        }
        var networks = Networks(config, task);
        if (!new[] { RepoNetworkPhase.Setup, RepoNetworkPhase.Agent, RepoNetworkPhase.Verify }.Any(p => networks.For(p).IsNetworked()))
        {
            return;
        }
        _credentials[task.Id] = await credentials.ResolveAsync(task.OrgId, cancellationToken);
    }

    /// <summary>Drops the credentials of <paramref name="taskId"/> when its attempt ends.</summary>
    public void ForgetCredentials(string taskId) => _credentials.TryRemove(taskId, out _);

    public SandboxCommandRunner Runner(ITaskRun run, Workspace workspace, string cache, PhaseCommands phase) =>
        new(sandbox, run, workspace.Path, cache, phase, time, logger) { Watch = _watches.TryGetValue(run, out var watch) ? watch : null };

    /// <summary>The limits the repository's <c>.nightshift.yml</c> asks for, within the operator's maxima.</summary>
    public EffectiveLimits Limits(RepoConfig config) => EffectiveLimits.Resolve(config.Limits, Options);

    /// <summary>Holds every command later run for <paramref name="run"/> (this attempt) to <paramref name="watch"/>'s task limits.</summary>
    public void Watch(ITaskRun run, TaskLimitWatch watch) => _watches.AddOrUpdate(run, watch);

    /// <summary>
    /// What the commands of <paramref name="phase"/> of <paramref name="task"/> run with (their events and audit rows
    /// named <paramref name="purpose"/>): the network, egress allow-list and credentials, and limits the repository's
    /// <c>.nightshift.yml</c> asks for within the operator's ceilings, for <paramref name="subtask"/> or the task as a whole.
    /// </summary>
    public PhaseCommands Phase(RepoConfig config, TaskRecord task, string purpose, RepoNetworkPhase phase, string? subtask = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var networks = Networks(config, task);
        var network = networks.For(phase);
        return new PhaseCommands(purpose, network)
        {
            Subtask = subtask,
            Egress = networks.Egress(phase, AllowPrivate),
            Limits = Limits(config).Sandbox(phase),
            Credentials = CredentialsFor(task, network),
        };
    }

    private IReadOnlyList<EgressCredential> CredentialsFor(TaskRecord task, NetworkPolicy network) =>
        network.IsNetworked() && _credentials.TryGetValue(task.Id, out var resolved) ? resolved : [];

    /// <summary>Sandbox:Egress:AllowPrivate, which an allow-listed phase's egress policy also keeps to.</summary>
    public IReadOnlyList<EgressAllowance> AllowPrivate { get; init; } = [];

    /// <summary>The network of every phase of <paramref name="task"/>: what the repository asks for within the ceiling of the task's organisation and repository.</summary>
    public PhaseNetworkPolicy Networks(RepoConfig config, TaskRecord task) => PhaseNetworkPolicy.Resolve(config.Network, Ceilings.For(task.OrgId, task.Repo));

    public ToolContext Tools(TaskAttempt attempt, Workspace workspace, string purpose, IDiffSource? diff = null, string? subtask = null) =>
        new(new Worktree(workspace.Path), Runner(attempt.Run, workspace, attempt.Cache, Phase(attempt.Config, attempt.Task, purpose, RepoNetworkPhase.Agent, subtask)), diff ?? new WorkspaceDiffSource(workspaces, workspace),
            AgentToolLimits(attempt.Config));

    /// <summary>The agent's command timeouts: at most the repository's <c>limits.agent.timeout</c> (or <c>command.timeout</c>) when it sets one.</summary>
    private ToolLimits? AgentToolLimits(RepoConfig config)
    {
        if (Limits(config).Timeout(RepoNetworkPhase.Agent) is not { } timeout)
        {
            return null;
        }
        var defaults = new ToolLimits();
        return defaults with
        {
            MaxCommandTimeout = timeout,
            DefaultCommandTimeout = timeout < defaults.DefaultCommandTimeout ? timeout : defaults.DefaultCommandTimeout,
        };
    }

    /// <summary>
    /// The build agent working in <paramref name="workspace"/>, its events under <paramref name="role"/> (build, merge), its
    /// usage charged to <paramref name="subtask"/> (null: to the task as a whole). It reads the task's messages before each
    /// turn; with <paramref name="mayAsk"/> it is also offered the <c>ask</c> tool, where someone can answer.
    /// </summary>
    public AgentLoop BuildAgent(TaskAttempt attempt, Workspace workspace, string role, IDiffSource? diff = null, string? subtask = null, bool mayAsk = false) =>
        new(attempt.Model.Client, [.. ToolBox.BuildTools(), .. AskTools(attempt, mayAsk)], Tools(attempt, workspace, "agent", diff, subtask), new RunObserver(attempt.Run, role, subtask),
            attempt.Model.Meter, attempt.Budget, time, attempt.Inbox?.Reader());

    /// <summary>The ask tool, where the task can be answered and allows questions at all.</summary>
    public static IReadOnlyList<AgentTool> AskTools(TaskAttempt attempt, bool mayAsk) =>
        mayAsk && attempt.Inbox is { MaxQuestions: > 0 } inbox ? [new AskTool(inbox)] : [];
}

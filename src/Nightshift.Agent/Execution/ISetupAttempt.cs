using Nightshift.Agent.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution;

/// <summary>What running the repository's setup needs of an attempt: an agent task's, or a command step's that has no model.</summary>
internal interface ISetupAttempt
{
    ITaskRun Run { get; }

    TaskRecord Task { get; }

    RepoConfig Config { get; }

    /// <summary>The task's own cache folder for its jails.</summary>
    string Cache { get; }
}

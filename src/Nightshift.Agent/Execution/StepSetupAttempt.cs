using Nightshift.Agent.Configuration;
using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;

namespace Nightshift.Agent.Execution;

/// <summary>A command step's attempt as the repository's setup sees it: no model, no plan, no verifier.</summary>
internal sealed record StepSetupAttempt(ITaskRun Run, TaskRecord Task, RepoConfig Config, string Cache) : ISetupAttempt;

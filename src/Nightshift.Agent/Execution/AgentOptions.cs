using Nightshift.Agent.Loop;

namespace Nightshift.Agent.Execution;

/// <summary>The <c>Agent</c> configuration section.</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    public AgentBudget Budget { get; set; } = new();

    /// <summary>How many times failing verification is fed back to the agent before the task ends as needs_review.</summary>
    public int VerificationRounds { get; set; } = 5;

    public TimeSpan SetupTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan VerificationTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest AGENTS.md given to the model; longer files are cut with a note.</summary>
    public int MaxInstructionsChars { get; set; } = 24_000;

    /// <summary>Author of the task's commits (default from the Workspaces section).</summary>
    public string? CommitAuthorName { get; set; }

    public string? CommitAuthorEmail { get; set; }
}

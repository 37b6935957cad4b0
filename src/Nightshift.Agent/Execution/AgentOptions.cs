using Nightshift.Agent.Loop;
using Nightshift.Agent.Planning;

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

    /// <summary>auto (plan unless the instruction is short), always, or never (one build agent on the whole instruction).</summary>
    public PlanningMode Planning { get; set; } = PlanningMode.Auto;

    /// <summary>In auto mode, a one-paragraph instruction shorter than this many characters is built without a plan.</summary>
    public int PlanningMinInstructionChars { get; set; } = 300;

    /// <summary>Model calls the plan agent may make (reading included) before the task falls back to one subtask.</summary>
    public int PlanMaxSteps { get; set; } = 16;

    /// <summary>Plans the model may submit: an invalid one is shown its errors and may try again until this many were refused.</summary>
    public int PlanAttempts { get; set; } = 3;

    /// <summary>The first rung of cycle recovery may drop at most this many dependencies; more and the model is asked.</summary>
    public int PlanCycleMaxDroppedEdges { get; set; } = 3;

    /// <summary>Tokens of repository map given to the plan agent and to each subtask's build agent.</summary>
    public int RepoMapTokens { get; set; } = 4_000;

    /// <summary>
    /// Run the baseline (the repository's tests on the untouched base) in a jail of its own while the plan agent works,
    /// so the tests' time does not delay the first model request; false runs it before planning.
    /// </summary>
    public bool BaselineWhilePlanning { get; set; } = true;

    /// <summary>Failed verification rounds with the same error signature after which the feedback turns to debugging.</summary>
    public int DebugModeAfter { get; set; } = 3;

    /// <summary>
    /// Clarifying questions the agent may ask one task through the <c>ask</c> tool; past it the tool tells it to proceed
    /// on its best judgement. 0 offers no <c>ask</c> tool at all (as <c>nightshift run</c> does: nobody could answer).
    /// </summary>
    public int MaxQuestions { get; set; } = 3;

    /// <summary>How long a task waits (awaiting_input, holding no worker) for the answer before it resumes with <see cref="DefaultAnswer"/>.</summary>
    public TimeSpan QuestionTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The answer a task resumes with when nobody answered its question within <see cref="QuestionTimeout"/>.</summary>
    public string DefaultAnswer { get; set; } = "No answer came; use your best judgement and say in the pull request what you assumed.";
}

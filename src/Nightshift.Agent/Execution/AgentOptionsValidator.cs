using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Agent.Execution;

/// <summary>Checks the <c>Agent</c> section (and <c>Agent:Budget</c>) when the host starts, not when a task first reads it.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var checks = new SettingChecks();
        var budget = options.Budget;
        if (budget is null)
        {
            checks.Fail("Agent:Budget", "is empty; remove it to take the defaults");
        }
        else
        {
            checks.Range("Agent:Budget:MaxSteps", budget.MaxSteps, 1, 10_000)
                .Range("Agent:Budget:MaxTokens", budget.MaxTokens, 1_000, 1_000_000_000)
                .Range("Agent:Budget:MaxCostUsd", budget.MaxCostUsd, 0.01m, 100_000m)
                .Range("Agent:Budget:MaxWallTime", budget.MaxWallTime, TimeSpan.FromSeconds(10), TimeSpan.FromDays(7))
                .Range("Agent:Budget:ContextTokens", budget.ContextTokens, 1_000, 10_000_000);
        }
        checks.Range("Agent:VerificationRounds", options.VerificationRounds, 0, 100)
            .Range("Agent:SetupTimeout", options.SetupTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Range("Agent:VerificationTimeout", options.VerificationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Range("Agent:MaxInstructionsChars", options.MaxInstructionsChars, 0, 1_000_000)
            .PlainText("Agent:CommitAuthorName", options.CommitAuthorName, 200)
            .PlainText("Agent:CommitAuthorEmail", options.CommitAuthorEmail, 200)
            .Range("Agent:PlanningMinInstructionChars", options.PlanningMinInstructionChars, 0, 1_000_000)
            .Range("Agent:PlanMaxSteps", options.PlanMaxSteps, 1, 1_000)
            .Range("Agent:PlanAttempts", options.PlanAttempts, 1, 20)
            .Range("Agent:PlanCycleMaxDroppedEdges", options.PlanCycleMaxDroppedEdges, 0, 1_000)
            .Range("Agent:RepoMapTokens", options.RepoMapTokens, 0, 1_000_000)
            .Range("Agent:DebugModeAfter", options.DebugModeAfter, 1, 100)
            .Range("Agent:MaxQuestions", options.MaxQuestions, 0, 20)
            .Range("Agent:QuestionTimeout", options.QuestionTimeout, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        if (string.IsNullOrWhiteSpace(options.DefaultAnswer))
        {
            checks.Fail("Agent:DefaultAnswer", "is empty; give the sentence a task resumes with when nobody answers its question, or remove the setting for the default");
        }
        else
        {
            checks.PlainText("Agent:DefaultAnswer", options.DefaultAnswer, Core.Tasks.TaskMessage.MaxTextLength);
        }
        if (!Enum.IsDefined(options.Planning))
        {
            checks.Fail("Agent:Planning", $"is {(int)options.Planning}; give auto, always or never");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}

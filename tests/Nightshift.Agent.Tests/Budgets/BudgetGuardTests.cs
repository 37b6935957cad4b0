using System.Text.Json;
using Nightshift.Agent.Budgets;
using Nightshift.Agent.Tests.Execution;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Budgets;

/// <summary>The budget check in front of every model call of the real executor, on a real repository and sandbox.</summary>
public sealed class BudgetGuardTests
{
    [Fact]
    public async Task ExecuteAsync_BudgetRunsOutMidBuild_NextCallIsNotMadeAndTheTaskFailsWithTheFigures()
    {
        var model = new ScriptedChatClient { Responder = _ => ScriptedChatClient.ToolCalls(("list_files", new { }, "l")) };
        var budget = new CountingBudget(allowedCalls: 3);
        using var harness = new ExecutorHarness(model, s => s["Agent:Planning"] = "Never", budget: budget);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        model.Calls.Count.ShouldBe(3);
        budget.Checks.ShouldBe(4);
        budget.TaskIds.ShouldAllBe(id => id == run.Task.Id);
        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldBe("budget_exhausted");
        using var details = JsonDocument.Parse(outcome.DetailsJson.ShouldNotBeNull());
        var root = details.RootElement;
        root.GetProperty("error").GetString().ShouldBe(
            "the organisation's budget of $1.00 per task is used up ($1.25 spent by this task); raise it with nightshift org set --max-cost-task USD, or split the work into smaller tasks");
        root.GetProperty("budget").GetProperty("kind").GetString().ShouldBe("task");
        root.GetProperty("budget").GetProperty("limitUsd").GetDecimal().ShouldBe(1.00m);
        root.GetProperty("budget").GetProperty("spentUsd").GetDecimal().ShouldBe(1.25m);
        run.Types.ShouldNotContain("verify.passed");
        run.Types.ShouldNotContain("pr.opened");
    }

    [Fact]
    public async Task ExecuteAsync_BudgetUsedUpBeforeThePlanner_NoModelCallIsMade()
    {
        var model = new ScriptedChatClient { Responder = _ => ScriptedChatClient.ToolCalls(("list_files", new { }, "l")) };
        var budget = new CountingBudget(allowedCalls: 0, limitUsd: 5m, spentUsd: 5.12m);
        using var harness = new ExecutorHarness(model, s => s["Agent:Planning"] = "Always", budget: budget);
        var run = new RecordingRun(harness.NewTask());

        var outcome = await harness.Executor.ExecuteAsync(run, TestDefaults.TimeoutToken());

        model.Calls.ShouldBeEmpty();
        budget.Checks.ShouldBe(1);
        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        outcome.Reason.ShouldBe(BudgetExhaustion.Reason);
        run.Usage.Calls.ShouldBe(0);
    }

    [Theory]
    [InlineData(BudgetKind.Day, "the organisation's daily budget of $5.00 is used up ($5.12 spent today); raise it with nightshift org set --max-cost-day USD or wait until 00:00 UTC", "day")]
    [InlineData(BudgetKind.Month, "the organisation's monthly budget of $5.00 is used up ($5.12 spent this month); raise it with nightshift org set --max-cost-month USD or wait until the first of the month, 00:00 UTC", "month")]
    public void ToOutcome_DayAndMonth_SayWhichBudgetAndWhatToDo(BudgetKind kind, string error, string name)
    {
        var outcome = new BudgetExhaustion(kind, 5.0m, 5.12m).ToOutcome();

        outcome.Kind.ShouldBe(OutcomeKind.Failed);
        using var details = JsonDocument.Parse(outcome.DetailsJson!);
        details.RootElement.GetProperty("error").GetString().ShouldBe(error);
        details.RootElement.GetProperty("budget").GetRawText().ShouldBe($$"""{"kind":"{{name}}","limitUsd":5.0,"spentUsd":5.12}""");
    }
}

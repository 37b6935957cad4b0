using Nightshift.Agent.Loop;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Usage;

namespace Nightshift.Agent.Tests.Loop;

public sealed class BudgetTrackerTests
{
    [Fact]
    public async Task CountStepAndAdd_FromParallelAgentLoops_LoseNoStepOrToken()
    {
        var tracker = new BudgetTracker(new AgentBudget(), TimeProvider.System);
        using var start = new ManualResetEventSlim();
        var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 5_000; i++)
            {
                tracker.CountStep();
                tracker.Add(new UsageRecord("openai", "gpt-4.1", 2, 1, 0, 0.001m));
            }
        })).ToList();

        start.Set();
        await Task.WhenAll(loops);

        tracker.Steps.ShouldBe(20_000);
        tracker.Usage.InputTokens.ShouldBe(40_000);
        tracker.Usage.OutputTokens.ShouldBe(20_000);
        tracker.Usage.CostUsd.ShouldBe(20m);
    }

    [Fact]
    public void Exhausted_WallTimePassesTheBudget_SaysTheTimeBudgetWasUsedUp()
    {
        var time = new SteppedTimestamps();
        var tracker = new BudgetTracker(new AgentBudget { MaxWallTime = TimeSpan.FromMinutes(10) }, time);

        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        var before = tracker.Exhausted();
        time.Advance(TimeSpan.FromTicks(1));

        before.ShouldBeNull();
        tracker.Exhausted().ShouldBe("the time budget of 10 minutes was used up");
    }

    [Fact]
    public void Exhausted_StepsCountedTogether_StopsAtTheSharedLimit()
    {
        var tracker = new BudgetTracker(new AgentBudget { MaxSteps = 3 }, TimeProvider.System);

        Parallel.For(0, 3, _ => tracker.CountStep());

        tracker.Exhausted().ShouldNotBeNull().ShouldContain("step budget of 3");
    }
}

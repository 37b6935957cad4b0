using Nightshift.Agent.Loop;
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
    public void Exhausted_StepsCountedTogether_StopsAtTheSharedLimit()
    {
        var tracker = new BudgetTracker(new AgentBudget { MaxSteps = 3 }, TimeProvider.System);

        Parallel.For(0, 3, _ => tracker.CountStep());

        tracker.Exhausted().ShouldNotBeNull().ShouldContain("step budget of 3");
    }
}

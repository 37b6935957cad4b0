using Nightshift.Core.Execution;
using Nightshift.Core.Usage;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private async Task<UsageReport> ReportByModelAsync() =>
        await Store.ReportUsageAsync(new UsageReportQuery(Clock.GetUtcNow().AddHours(-1), Clock.GetUtcNow().AddHours(1), UsageGrouping.Model));

    [StoreFact]
    public async Task ReportUsage_ByModelForATaskOnTheServersDefault_CountsTheTaskUnderTheModelItRanWith()
    {
        await SubmitAsync();
        var lease = await ClaimAsync();
        await Store.RecordUsageAsync(lease, new UsageRecord("openai", "gpt-test", 100, 20, 0, 0.01m));
        await Store.RecordUsageAsync(lease, new UsageRecord("openai", "gpt-test", 50, 10, 0, 0.005m));
        await Store.FinishAsync(lease, TaskOutcome.Succeeded());

        var report = await ReportByModelAsync();

        var row = report.Rows.ShouldHaveSingleItem();
        row.Key.ShouldBe("openai/gpt-test");
        row.Calls.ShouldBe(2);
        row.TasksFinished.ShouldBe(1);
        row.TasksSucceeded.ShouldBe(1);
        report.Total.TasksFinished.ShouldBe(1);
    }

    [StoreFact]
    public async Task ReportUsage_ByModelWhenTheCallsUsedAnotherModelThanAsked_CountsTheTaskUnderTheModelOfItsCalls()
    {
        await SubmitAsync(Ask() with { Model = "anthropic/claude-asked" });
        var lease = await ClaimAsync();
        await Store.RecordUsageAsync(lease, new UsageRecord("anthropic", "claude-ran", 10, 2, 0, null));
        await Store.FinishAsync(lease, TaskOutcome.Failed("the tests failed"));

        var report = await ReportByModelAsync();

        var row = report.Rows.ShouldHaveSingleItem();
        row.Key.ShouldBe("anthropic/claude-ran");
        (row.Calls, row.UnpricedCalls, row.TasksFinished, row.TasksSucceeded).ShouldBe((1L, 1L, 1L, 0L));
    }

    [StoreFact]
    public async Task ReportUsage_ByModelWithSubtasksOnTheirOwnModels_CallsUnderEachModelAndTheTaskOnceUnderItsFirstCall()
    {
        await SubmitAsync();
        var lease = await ClaimAsync();
        await Store.RecordUsageAsync(lease, new UsageRecord("openai", "gpt-plan", 100, 20, 0, 0.01m));
        await Store.RecordUsageAsync(lease, new UsageRecord("ollama", "llama", 100, 20, 0, null) { Subtask = "add-login" });
        await Store.RecordUsageAsync(lease, new UsageRecord("ollama", "llama", 100, 20, 0, null) { Subtask = "write-tests" });
        await Store.FinishAsync(lease, TaskOutcome.Succeeded());

        var report = await ReportByModelAsync();

        report.Rows.Select(r => (r.Key, r.Calls, r.TasksFinished)).ShouldBe([("ollama/llama", 2L, 0L), ("openai/gpt-plan", 1L, 1L)]);
        report.Total.Calls.ShouldBe(3);
        report.Total.TasksFinished.ShouldBe(1);
    }

    [StoreFact]
    public async Task ReportUsage_ByModelForTasksThatNeverCalledAModel_CountsThemUnderTheModelAskedOrUnderNone()
    {
        await SubmitAsync(Ask("first") with { Model = "anthropic/claude-asked" });
        await SubmitAsync(Ask("second"));
        await Store.FinishAsync(await ClaimAsync(), TaskOutcome.Failed("the repository could not be cloned"));
        await Store.FinishAsync(await ClaimAsync(), TaskOutcome.Failed("the repository could not be cloned"));

        var report = await ReportByModelAsync();

        report.Rows.Select(r => (r.Key, r.Calls, r.TasksFinished)).ShouldBe([("", 0L, 1L), ("anthropic/claude-asked", 0L, 1L)]);
    }

    [StoreFact]
    public async Task ReportUsage_ByModelWithCallsOfAnotherTaskOnAnotherModel_KeepsEachTaskUnderItsOwnModel()
    {
        await SubmitAsync(Ask("first"));
        await SubmitAsync(Ask("second"));
        var first = await ClaimAsync();
        var second = await ClaimAsync("host:1:1");
        await Store.RecordUsageAsync(second, new UsageRecord("anthropic", "claude", 10, 2, 0, 0.001m));
        await Store.RecordUsageAsync(first, new UsageRecord("openai", "gpt-test", 10, 2, 0, 0.001m));
        await Store.RecordUsageAsync(second, new UsageRecord("openai", "gpt-test", 10, 2, 0, 0.001m));
        await Store.FinishAsync(first, TaskOutcome.Succeeded());
        await Store.FinishAsync(second, TaskOutcome.Succeeded());

        var report = await ReportByModelAsync();

        report.Rows.Select(r => (r.Key, r.Calls, r.TasksFinished)).ShouldBe([("anthropic/claude", 1L, 1L), ("openai/gpt-test", 2L, 1L)]);
    }
}

using Nightshift.Core.Execution;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private const string SummarisedPlan = """{"summary":"Add an orders endpoint","subtasks":[{"id":"a","title":"A","description":"d"}]}""";

    [StoreFact]
    public async Task SetPlan_SummaryAndDerivedTitle_TheSummaryBecomesTheTitle()
    {
        var task = await SubmitAsync(Ask("Three steps:\n1. add the orders model\n2. expose it\n3. test it"));
        task.Title.ShouldBe(TaskTitles.Derive(task.Instruction));
        var lease = await ClaimAsync();

        await Store.SetPlanAsync(lease, SummarisedPlan);

        (await Store.FindAsync(task.Id))!.Title.ShouldBe("Add an orders endpoint");
    }

    [StoreFact]
    public async Task SetPlan_TitleAPersonGave_KeepsIt()
    {
        var task = await SubmitAsync(Ask() with { Title = "Orders, as agreed with Sam" });
        var lease = await ClaimAsync();

        await Store.SetPlanAsync(lease, SummarisedPlan);
        await Store.SetPlanAsync(lease, """{"summary":"bell\u0007","subtasks":[]}""");

        (await Store.FindAsync(task.Id))!.Title.ShouldBe("Orders, as agreed with Sam");
    }

    [StoreFact]
    public async Task Approve_EditedPlanWithNewSummary_ReplacesTheSummaryTitleButNotAPersonsTitle()
    {
        var task = await SubmitAsync(Ask("add orders", approval: true));
        var lease = await ClaimAsync();
        await Store.SetPlanAsync(lease, SummarisedPlan);
        await Store.FinishAsync(lease, TaskOutcome.AwaitApproval());

        await Store.ApproveAsync(task.Id, """{"summary":"Add orders and their tests","subtasks":[{"id":"a","title":"A","description":"d"}]}""");

        (await Store.FindAsync(task.Id))!.Title.ShouldBe("Add orders and their tests");
    }

    [StoreFact]
    public async Task SetPlan_PlanWithoutSummaryOrMalformed_KeepsTheTitle()
    {
        var task = await SubmitAsync(Ask("add orders"));
        var lease = await ClaimAsync();

        await Store.SetPlanAsync(lease, """{"subtasks":[{"id":"a","title":"A","description":"d"}]}""");
        await Store.SetPlanAsync(lease, """{"summary":42}""");
        await Store.SetPlanAsync(lease, "{\"summary\":\"" + new string('x', NewTask.MaxTitleLength + 1) + "\"}");

        (await Store.FindAsync(task.Id))!.Title.ShouldBe(task.Title);
    }
}

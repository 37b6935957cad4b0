using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private static TaskOrigin Issue(long number, string repository = "Acme/Widgets") => new()
    {
        Forge = "github",
        Repository = repository,
        Kind = TaskOriginKind.Issue,
        Number = number,
        Url = $"https://github.example/{repository}/issues/{number}",
        Actor = "octocat",
        CommentId = "IC_1",
        ReviewComments = ["101", "102"],
    };

    [StoreFact]
    public async Task Submit_WithOriginAndFollowUp_KeepsBothAndFindsTheTaskByItsIssue()
    {
        var parent = await SubmitAsync(Ask() with { Origin = Issue(7) });
        var child = await SubmitAsync(Ask() with { Origin = Issue(7) with { Kind = TaskOriginKind.PullRequest, Number = 9 }, FollowUpOf = parent.Id });
        await SubmitAsync(Ask() with { Origin = Issue(8) });
        await SubmitAsync();

        var stored = (await Store.FindAsync(parent.Id))!;
        stored.Origin.ShouldBe(Issue(7), new OriginComparer());
        stored.FollowUpOf.ShouldBeNull();
        (await Store.FindAsync(child.Id))!.FollowUpOf.ShouldBe(parent.Id);
        // The key is case-insensitive: forges treat owner and name so.
        (await Store.FindByOriginAsync("GITHUB:acme/widgets#7")).Select(t => t.Id).ShouldBe([parent.Id]);
        (await Store.FindByOriginAsync(Issue(9).Key)).Select(t => t.Id).ShouldBe([child.Id]);
        (await Store.FindByOriginAsync("github:acme/widgets#70")).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task Submit_HostileOrigin_IsRefusedAndNothingIsStored()
    {
        var hostile = Issue(1) with { Url = "javascript:alert(1)", Repository = "no-slash", Number = -3, ReviewComments = [.. Enumerable.Range(0, 101).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))] };

        var refused = await Should.ThrowAsync<ValidationException>(() => Store.SubmitAsync(Ask() with { Origin = hostile, FollowUpOf = "../../etc" }));

        refused.Errors.Keys.ShouldBe(["origin", "followUpOf"], ignoreOrder: true);
        refused.Errors["origin"].Length.ShouldBe(4);
        (await Store.ListAsync(new TaskQuery())).Items.ShouldBeEmpty();
    }

    private sealed class OriginComparer : IEqualityComparer<TaskOrigin?>
    {
        public bool Equals(TaskOrigin? x, TaskOrigin? y) =>
            x is not null && y is not null && (x with { ReviewComments = [] }) == (y with { ReviewComments = [] }) && x.ReviewComments.SequenceEqual(y.ReviewComments);

        public int GetHashCode(TaskOrigin? obj) => obj?.Key.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}

using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Server.Outbound;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound;

public sealed class EndpointMatcherTests
{
    private static readonly DateTimeOffset Made = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static OutboundEndpoint Endpoint(string[] types, string[] repos, bool active = true) =>
        new("we_1", OutboundChannel.Webhook, "https://hooks.example.com/", [], null, types, repos, active, null, "api", 4, 0, [], Made, Made);

    private static TaskRecord Task(string repo = "https://git.example.com/team/app") =>
        new() { Id = "t1", Repo = repo, Instruction = "Fix it", Title = "Fix it" };

    private static TaskEvent Event(string type, DateTimeOffset? time = null) => new("t1", 1, time ?? Made.AddMinutes(1), type, "{}");

    [Theory]
    [InlineData("task.succeeded", "task.succeeded", true)]
    [InlineData("task.succeeded", "task.failed", false)]
    [InlineData("task.*", "task.failed", true)]
    [InlineData("task.*", "tasks.failed", false)]
    [InlineData("task.*", "task.", false)]
    [InlineData("task.*", "task", false)]
    [InlineData("*", "verify.passed", true)]
    [InlineData("Task.Succeeded", "task.succeeded", false)]
    [InlineData(".*", "task.succeeded", false)]
    public void MatchesType_Filter_MatchesExactPrefixOrAll(string filter, string type, bool expected) =>
        EndpointMatcher.MatchesType([filter], type).ShouldBe(expected);

    [Fact]
    public void MatchesType_NoFilter_MatchesEverything() =>
        EndpointMatcher.MatchesType([], "anything.at_all").ShouldBeTrue();

    [Fact]
    public void MatchesType_SeveralFilters_AnyOneMatches() =>
        EndpointMatcher.MatchesType(["pr.opened", "task.*"], "pr.opened").ShouldBeTrue();

    [Theory]
    [InlineData("https://git.example.com/team/app", true)]
    [InlineData("https://git.example.com/team/app/", true)]
    [InlineData("HTTPS://GIT.EXAMPLE.COM/team/APP", true)]
    [InlineData("https://git.example.com/team/other", false)]
    public void MatchesRepository_Filter_MatchesTheTaskRepository(string filter, bool expected) =>
        EndpointMatcher.MatchesRepository([filter], "https://git.example.com/team/app").ShouldBe(expected);

    [Fact]
    public void Matches_EventFromBeforeTheEndpointWasMade_DoesNotMatch() =>
        EndpointMatcher.Matches(Endpoint([], []), Task(), Event("task.succeeded", Made.AddSeconds(-1))).ShouldBeFalse();

    [Fact]
    public void Matches_DisabledEndpoint_StillMatchesSoItsDeliveriesWait() =>
        EndpointMatcher.Matches(Endpoint([], [], active: false), Task(), Event("task.succeeded")).ShouldBeTrue();

    [Fact]
    public void Matches_TypeAndRepositoryBothFit_Matches() =>
        EndpointMatcher.Matches(Endpoint(["task.*"], ["https://git.example.com/team/app"]), Task(), Event("task.succeeded")).ShouldBeTrue();

    [Fact]
    public void Matches_OtherRepository_DoesNotMatch() =>
        EndpointMatcher.Matches(Endpoint(["task.*"], ["https://git.example.com/team/app"]), Task("/srv/repos/other"), Event("task.succeeded")).ShouldBeFalse();
}

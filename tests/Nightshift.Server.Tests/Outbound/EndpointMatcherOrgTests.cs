using Nightshift.Core.Events;
using Nightshift.Core.Tasks;
using Nightshift.Server.Outbound;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound;

public sealed class EndpointMatcherOrgTests
{
    private static readonly DateTimeOffset Made = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static OutboundEndpoint Endpoint(string orgId) =>
        new("we_1", OutboundChannel.Webhook, "https://hooks.example.com/", [], null, [], [], true, null, "api", 4, 0, [], Made, Made) { OrgId = orgId };

    private static TaskRecord Task(string orgId) =>
        new() { Id = "t1", Repo = "https://git.example.com/team/app", Instruction = "Fix it", Title = "Fix it", OrgId = orgId };

    private static TaskEvent Event() => new("t1", 1, Made.AddMinutes(1), "task.succeeded", "{}");

    [Fact]
    public void Matches_TaskOfTheEndpointsOrg_Matches() =>
        EndpointMatcher.Matches(Endpoint("acme"), Task("acme"), Event()).ShouldBeTrue();

    [Theory]
    [InlineData("acme", "globex")]
    [InlineData("default", "acme")]
    [InlineData("acme", "default")]
    [InlineData("acme", "ACME")]
    public void Matches_TaskOfAnotherOrg_DoesNotMatch(string endpointOrg, string taskOrg) =>
        EndpointMatcher.Matches(Endpoint(endpointOrg), Task(taskOrg), Event()).ShouldBeFalse();
}

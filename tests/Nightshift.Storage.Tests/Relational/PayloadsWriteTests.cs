using System.Text.Json;
using Nightshift.Core.Events.Payloads;
using Nightshift.Storage.Relational;

namespace Nightshift.Storage.Tests.Relational;

/// <summary>The store writes its payload records over an outcome's details exactly as its field lists did.</summary>
public sealed class PayloadsWriteTests
{
    [Fact]
    public void Write_NoDetails_IsTheRecordAlone()
    {
        Payloads.Write(null, new TaskFinishedPayload(Reason: "r", Attempt: 1)).ShouldBe("""{"reason":"r","attempt":1}""");
    }

    [Fact]
    public void Write_Details_ComeFirstAndNullMembersAreLeftOut()
    {
        var details = """{"verification":"2 passed","outOfScope":[],"stillFailing":[]}""";

        var written = Payloads.Write(details, new TaskFinishedPayload(Branch: "b", PullRequest: "p", Attempt: 2));

        written.ShouldBe("""{"verification":"2 passed","outOfScope":[],"stillFailing":[],"branch":"b","pullRequest":"p","attempt":2}""");
    }

    [Fact]
    public void Write_DetailsNamingAStoreMember_TheStoresValueWinsWhereTheDetailStood()
    {
        var written = Payloads.Write("""{"attempt":99,"extra":true}""", new PlanAwaitingApprovalPayload(3));

        written.ShouldBe("""{"attempt":3,"extra":true}""");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"a\":")]
    public void Write_MalformedDetails_Throws(string details)
    {
        Should.Throw<JsonException>(() => Payloads.Write(details, new TaskReleasedPayload(1)));
    }

    [Fact]
    public void Write_DetailsThatAreNotAnObject_Throws()
    {
        Should.Throw<InvalidOperationException>(() => Payloads.Write("[1]", new TaskReleasedPayload(1)));
    }
}

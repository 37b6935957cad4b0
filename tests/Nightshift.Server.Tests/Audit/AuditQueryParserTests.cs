using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Audit;
using Nightshift.Server.Teams;

namespace Nightshift.Server.Tests.Audit;

public sealed class AuditQueryParserTests
{
    private static Caller CallerIn(string org, TeamRole role) =>
        new(org, "usr_" + org, org + " person", role, Scopes.ForRole(role), "tok_" + org, "token");

    private static readonly Caller InstallationAdmin = CallerIn(OrgIds.Default, TeamRole.Admin);
    private static readonly Caller AcmeAdmin = CallerIn("acme", TeamRole.Admin);

    [Fact]
    public void Parse_Nothing_ReadsTheCallersOrganisationNewestFirstWithTheDefaultPage()
    {
        var query = AuditQueryParser.Parse(AcmeAdmin, null, null, null, null, null, null, null, null);

        query.OrgId.ShouldBe("acme");
        query.Limit.ShouldBe(AuditQueryParser.DefaultLimit);
        query.Before.ShouldBeNull();
    }

    [Fact]
    public void Parse_EveryFilter_IsTaken()
    {
        var query = AuditQueryParser.Parse(AcmeAdmin, "acme", "2026-12-01", "2026-12-02T08:00:00+01:00", "task.submit", "usr_1", "tsk_1", "42", "10");

        query.Since.ShouldBe(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        query.Until.ShouldBe(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero));
        (query.Action, query.ActorId, query.Target, query.Before, query.Limit).ShouldBe(("task.submit", "usr_1", "tsk_1", 42L, 10));
    }

    [Theory]
    [InlineData("since", "yesterday-ish")]
    [InlineData("until", "2026-13-45")]
    [InlineData("action", "task submit")]
    [InlineData("action", "TASK.SUBMIT")]
    [InlineData("action", "task.submit'; --")]
    [InlineData("before", "-1")]
    [InlineData("before", "0")]
    [InlineData("before", "abc")]
    [InlineData("before", "99999999999999999999999")]
    [InlineData("limit", "0")]
    [InlineData("limit", "1001")]
    [InlineData("limit", "ten")]
    [InlineData("org", "Not An Org!")]
    [InlineData("actor", "usr_\u0000")]
    public void Parse_BadParameter_IsRefusedNamingIt(string name, string value)
    {
        string? Get(string n) => n == name ? value : null;

        var refused = Should.Throw<ValidationException>(() => AuditQueryParser.Parse(
            InstallationAdmin, Get("org"), Get("since"), Get("until"), Get("action"), Get("actor"), Get("target"), Get("before"), Get("limit")));

        refused.Errors.Keys.ShouldContain(name);
    }

    [Fact]
    public void Parse_OversizedTarget_IsRefused()
    {
        var refused = Should.Throw<ValidationException>(() => AuditQueryParser.Parse(AcmeAdmin, null, null, null, null, null, new string('t', 201), null, null));

        refused.Errors.Keys.ShouldBe(["target"]);
    }

    [Fact]
    public void Parse_UntilBeforeSince_IsRefused()
    {
        var refused = Should.Throw<ValidationException>(() => AuditQueryParser.Parse(AcmeAdmin, null, "2026-12-02", "2026-12-01", null, null, null, null, null));

        refused.Errors.Keys.ShouldBe(["until"]);
    }

    [Fact]
    public void Parse_InstallationAdmin_MayReadAnotherOrganisationOrEvery()
    {
        AuditQueryParser.Parse(InstallationAdmin, "acme", null, null, null, null, null, null, null).OrgId.ShouldBe("acme");
        AuditQueryParser.Parse(InstallationAdmin, "*", null, null, null, null, null, null, null).OrgId.ShouldBeNull();
    }

    [Fact]
    public void Parse_AnotherOrganisationsAdmin_NamingAnotherOrganisation_IsNotFound()
    {
        var refused = Should.Throw<TeamRequestException>(() => AuditQueryParser.Parse(AcmeAdmin, "default", null, null, null, null, null, null, null));

        refused.Status.ShouldBe(404);
        refused.Message.ShouldNotContain("forbidden", Case.Insensitive);
    }

    [Fact]
    public void Parse_AnotherOrganisationsAdmin_AskingForEvery_IsForbidden()
    {
        Should.Throw<TeamRequestException>(() => AuditQueryParser.Parse(AcmeAdmin, "*", null, null, null, null, null, null, null)).Status.ShouldBe(403);
    }

    [Fact]
    public void Parse_MemberOfTheDefaultOrganisation_IsNoInstallationAdmin()
    {
        var member = CallerIn(OrgIds.Default, TeamRole.Member);

        Should.Throw<TeamRequestException>(() => AuditQueryParser.Parse(member, "acme", null, null, null, null, null, null, null)).Status.ShouldBe(404);
    }
}

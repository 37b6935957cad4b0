using System.Data.Common;
using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Storage.Teams;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    protected static NewAuditEntry Audit(string org = "acme", string action = "task.submit", string actor = "usr_0123456789abcdef01234567", string? target = null) =>
        new(org, actor, "Ada", "tok_0123456789abcdef01234567", action, target, 201, "127.0.0.1", """{"repo":"https://example.com/acme/app"}""");

    [StoreFact]
    public async Task AppendAudit_Entries_AreNumberedAscendingAndListedNewestFirst()
    {
        var first = await Store.AppendAuditAsync(Audit(target: "t1"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.AppendAuditAsync(Audit(action: "token.create", target: "tok_x"));

        first.Number.ShouldBeLessThan(second.Number);
        first.At.ShouldBe(Clock.GetUtcNow().AddSeconds(-1));
        first.ShouldBe(new AuditEntry(
            first.Number, "acme", first.At, "usr_0123456789abcdef01234567", "Ada", "tok_0123456789abcdef01234567", "task.submit", "t1", 201, "127.0.0.1",
            """{"repo":"https://example.com/acme/app"}"""));
        var page = await Store.ListAuditAsync(new AuditQuery("acme"));
        page.Entries.ShouldBe([second, first]);
        page.NextBefore.ShouldBeNull();
    }

    [StoreFact]
    public async Task ListAudit_FiltersAndPages_SeeOnlyTheOrganisationsMatchingLines()
    {
        var entries = new List<AuditEntry>();
        for (var i = 0; i < 5; i++)
        {
            entries.Add(await Store.AppendAuditAsync(Audit(action: i % 2 == 0 ? "task.submit" : "task.cancel", target: $"t{i}")));
            Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var other = await Store.AppendAuditAsync(Audit(org: "other", actor: "system"));

        var firstPage = await Store.ListAuditAsync(new AuditQuery("acme", Limit: 2));
        var secondPage = await Store.ListAuditAsync(new AuditQuery("acme", Before: firstPage.NextBefore, Limit: 2));
        var lastPage = await Store.ListAuditAsync(new AuditQuery("acme", Before: secondPage.NextBefore, Limit: 2));

        firstPage.Entries.ShouldBe([entries[4], entries[3]]);
        firstPage.NextBefore.ShouldBe(entries[3].Number);
        secondPage.Entries.ShouldBe([entries[2], entries[1]]);
        lastPage.Entries.ShouldBe([entries[0]]);
        lastPage.NextBefore.ShouldBeNull();
        (await Store.ListAuditAsync(new AuditQuery("acme", Action: "task.cancel"))).Entries.ShouldBe([entries[3], entries[1]]);
        (await Store.ListAuditAsync(new AuditQuery("acme", Target: "t2"))).Entries.ShouldBe([entries[2]]);
        (await Store.ListAuditAsync(new AuditQuery("acme", Since: entries[1].At, Until: entries[3].At))).Entries.ShouldBe([entries[2], entries[1]], "since is inclusive, until exclusive");
        (await Store.ListAuditAsync(new AuditQuery("acme", ActorId: "system"))).Entries.ShouldBeEmpty();
        (await Store.ListAuditAsync(new AuditQuery("other"))).Entries.ShouldBe([other]);
        (await Store.ListAuditAsync(new AuditQuery(null, Limit: 1))).Entries.ShouldBe([other], "null is every organisation");
        (await Store.ListAuditAsync(new AuditQuery("acme", Target: "' OR 1=1 --"))).Entries.ShouldBeEmpty();
    }

    [StoreFact]
    public async Task AppendAudit_BadInput_IsRefusedNamingTheField()
    {
        async Task Refused(NewAuditEntry entry, string field) =>
            (await Should.ThrowAsync<ValidationException>(() => Store.AppendAuditAsync(entry))).Errors.Keys.ShouldBe([field]);

        await Refused(Audit() with { OrgId = "ACME" }, "orgId");
        await Refused(Audit() with { ActorId = "" }, "actorId");
        await Refused(Audit() with { ActorId = new string('u', 101) }, "actorId");
        await Refused(Audit() with { ActorName = "Ada\r\nForged: line" }, "actorName");
        await Refused(Audit() with { TokenId = "tok\u0000" }, "tokenId");
        await Refused(Audit() with { Action = "submit" }, "action");
        await Refused(Audit() with { Action = "Task.Submit" }, "action");
        await Refused(Audit() with { Action = "task.submit\n" }, "action");
        await Refused(Audit() with { Action = "task." + new string('x', 100) }, "action");
        await Refused(Audit() with { Target = new string('t', 201) }, "target");
        await Refused(Audit() with { Target = "t\u001b[2J" }, "target");
        await Refused(Audit() with { Address = new string('a', 101) }, "address");
        await Refused(Audit() with { Outcome = 42 }, "outcome");
        await Refused(Audit() with { Outcome = -1 }, "outcome");
        await Refused(Audit() with { Detail = "[1,2]" }, "detail");
        await Refused(Audit() with { Detail = "{not json" }, "detail");
        await Refused(Audit() with { Detail = "{\"x\":\"" + new string('d', 8_000) + "\"}" }, "detail");

        (await Store.ListAuditAsync(new AuditQuery(null))).Entries.ShouldBeEmpty();
        (await Store.AppendAuditAsync(Audit() with { Outcome = 0, TokenId = null, Target = null, Address = null, Detail = null })).Outcome.ShouldBe(0);
    }

    [StoreFact]
    public async Task ListAudit_BadQuery_IsRefusedNamingTheField()
    {
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAuditAsync(new AuditQuery("acme", Limit: 0)))).Errors.Keys.ShouldBe(["limit"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAuditAsync(new AuditQuery("acme", Limit: 1_001)))).Errors.Keys.ShouldBe(["limit"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAuditAsync(new AuditQuery("acme", Before: 0)))).Errors.Keys.ShouldBe(["before"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAuditAsync(new AuditQuery("Bad Org")))).Errors.Keys.ShouldBe(["orgId"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAuditAsync(new AuditQuery("acme", Target: new string('t', 201))))).Errors.Keys.ShouldBe(["target"]);
        var now = Clock.GetUtcNow();
        (await Should.ThrowAsync<ValidationException>(() => Store.ListAuditAsync(new AuditQuery("acme", Since: now, Until: now)))).Errors.Keys.ShouldBe(["until"]);
    }

    [StoreFact]
    public async Task AuditLog_UpdateOrDeleteInTheDatabase_IsRefusedByTheDatabase()
    {
        var entry = await Store.AppendAuditAsync(Audit());

        var update = await Should.ThrowAsync<DbException>(() => RawScalarAsync("UPDATE audit_log SET action = 'task.nothing'"));
        var delete = await Should.ThrowAsync<DbException>(() => RawScalarAsync($"DELETE FROM audit_log WHERE number = {entry.Number.ToString(CultureInfo.InvariantCulture)}"));

        update.Message.ShouldContain("append-only");
        delete.Message.ShouldContain("append-only");
        if (ExpectedDialect == "postgresql")
        {
            (await Should.ThrowAsync<DbException>(() => RawScalarAsync("TRUNCATE audit_log"))).Message.ShouldContain("append-only");
        }
        (await Store.ListAuditAsync(new AuditQuery("acme"))).Entries.ShouldBe([entry]);
    }
}

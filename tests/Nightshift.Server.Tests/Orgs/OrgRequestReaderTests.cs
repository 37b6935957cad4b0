using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Server.Orgs;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Tests.Orgs;

public sealed class OrgRequestReaderTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static ValidationException Refused(Action read) => Should.Throw<ValidationException>(read);

    [Fact]
    public void ReadCreate_FullBody_ReadsEveryField()
    {
        var request = OrgRequestReader.ReadCreate(Json("""
            {"id":"acme","name":"  Acme Corp ","quotas":{"maxRunning":3,"maxRunningPerRepo":1,"maxCostPerTaskUsd":2.5,"maxCostPerDayUsd":50,"maxCostPerMonthUsd":0},
             "allowedRepos":["https://github.com/acme/*","/srv/git/app","https://github.com/acme/*"]}
            """));

        request.Id.ShouldBe("acme");
        request.Name.ShouldBe("Acme Corp");
        request.Quotas.ShouldBe(new OrgQuotas(3, 1, 2.5m, 50m, 0m));
        request.AllowedRepos.ShouldBe(["https://github.com/acme/*", "/srv/git/app"]);
    }

    [Fact]
    public void ReadCreate_OnlyIdAndName_HasNoLimits()
    {
        var request = OrgRequestReader.ReadCreate(Json("""{"id":"a","name":"A","quotas":null,"allowedRepos":null}"""));

        request.Quotas.ShouldBe(OrgQuotas.None);
        request.AllowedRepos.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"name":"A"}""", "id")]
    [InlineData("""{"id":"acme"}""", "name")]
    [InlineData("""{"id":"Acme","name":"A"}""", "id")]
    [InlineData("""{"id":"-acme","name":"A"}""", "id")]
    [InlineData("""{"id":"ac me","name":"A"}""", "id")]
    [InlineData("""{"id":"../default","name":"A"}""", "id")]
    [InlineData("""{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","name":"A"}""", "id")]
    [InlineData("""{"id":7,"name":"A"}""", "id")]
    [InlineData("""{"id":"acme","name":"   "}""", "name")]
    [InlineData("""{"id":"acme","name":"line\nbreak"}""", "name")]
    [InlineData("""{"id":"acme","name":"A","quotas":[]}""", "quotas")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxRunning":-1}}""", "quotas.maxRunning")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxRunning":1.5}}""", "quotas.maxRunning")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxRunning":"3"}}""", "quotas.maxRunning")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxRunning":10001}}""", "quotas.maxRunning")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxRunningPerRepo":99999999999}}""", "quotas.maxRunningPerRepo")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxCostPerDayUsd":-0.01}}""", "quotas.maxCostPerDayUsd")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxCostPerTaskUsd":1e300}}""", "quotas.maxCostPerTaskUsd")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxCostPerMonthUsd":1000000.01}}""", "quotas.maxCostPerMonthUsd")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxCostPerDayUsd":true}}""", "quotas.maxCostPerDayUsd")]
    [InlineData("""{"id":"acme","name":"A","quotas":{"maxSpend":1}}""", "quotas.maxSpend")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":"https://github.com/acme/*"}""", "allowedRepos")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":[5]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["ftp://example.com/x"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["relative/path"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["/*"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["https://github.com/*"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["https://github.com/*/app"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["https://user:pw@github.com/acme/app"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["https://github.com/acme/app?x=1"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["/srv/../etc"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":["/srv/git app"]}""", "allowedRepos[0]")]
    [InlineData("""{"id":"acme","name":"A","allowedRepos":[""]}""", "allowedRepos[0]")]
    public void ReadCreate_BadValue_IsRefusedNamingTheField(string body, string field)
    {
        var refused = Refused(() => OrgRequestReader.ReadCreate(Json(body)));

        refused.Errors.Keys.ShouldContain(field);
    }

    [Theory]
    [InlineData("createdAt")]
    [InlineData("updatedAt")]
    [InlineData("adminToken")]
    [InlineData("orgId")]
    public void ReadCreate_ServerOwnedField_IsRefusedByName(string field)
    {
        var refused = Refused(() => OrgRequestReader.ReadCreate(Json($$"""{"id":"acme","name":"A","{{field}}":"x"}""")));

        refused.Errors[field].ShouldHaveSingleItem().ShouldContain("set by the server");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"acme\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void ReadCreate_NotAnObject_IsRefused(string body)
    {
        var refused = Refused(() => OrgRequestReader.ReadCreate(Json(body)));

        refused.Errors.Keys.ShouldBe(["body"]);
    }

    [Fact]
    public void ReadCreate_UnknownAndRepeatedFields_AreRefusedByName()
    {
        var refused = Refused(() => OrgRequestReader.ReadCreate(Json("""{"id":"acme","id":"acme2","name":"A","<script>":1}""")));

        refused.Errors.Keys.ShouldContain("id");
        refused.Errors.Keys.ShouldContain("<script>");
    }

    [Fact]
    public void ReadCreate_TooManyRepos_IsRefused()
    {
        var repos = string.Join(",", Enumerable.Range(0, Organisation.MaxAllowedRepos + 1).Select(i => $"\"/srv/git/r{i}\""));

        var refused = Refused(() => OrgRequestReader.ReadCreate(Json($$"""{"id":"acme","name":"A","allowedRepos":[{{repos}}]}""")));

        refused.Errors["allowedRepos"].ShouldHaveSingleItem().ShouldContain("at most 200");
    }

    [Fact]
    public void ReadCreate_OversizedNameAndRepo_AreRefusedWithTheirLengths()
    {
        var name = new string('n', Organisation.MaxNameLength + 1);
        var repo = "https://github.com/acme/" + new string('r', 3_000);

        var refused = Refused(() => OrgRequestReader.ReadCreate(Json($$"""{"id":"acme","name":"{{name}}","allowedRepos":["{{repo}}"]}""")));

        refused.Errors["name"].ShouldHaveSingleItem().ShouldContain("101 characters");
        refused.Errors["allowedRepos[0]"].ShouldHaveSingleItem().ShouldContain("at most 2048");
    }

    [Fact]
    public void ReadPatch_SomeQuotas_ChangesThoseAndKeepsTheRest()
    {
        var patch = OrgRequestReader.ReadPatch(Json("""{"quotas":{"maxCostPerDayUsd":5,"maxRunning":null}}"""));

        patch.Name.ShouldBeNull();
        patch.AllowedRepos.ShouldBeNull();
        patch.Quotas!.ApplyTo(new OrgQuotas(MaxRunning: 4, MaxRunningPerRepo: 2, MaxCostPerMonthUsd: 100m))
            .ShouldBe(new OrgQuotas(null, 2, null, 5m, 100m));
    }

    [Fact]
    public void ReadPatch_NullRepos_ClearsTheList()
    {
        OrgRequestReader.ReadPatch(Json("""{"allowedRepos":null}""")).AllowedRepos.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{}""", "body")]
    [InlineData("""{"id":"other"}""", "id")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"quotas":null}""", "quotas")]
    [InlineData("""{"createdAt":"2026-01-01T00:00:00Z"}""", "createdAt")]
    [InlineData("""{"quotas":{"maxRunning":-5}}""", "quotas.maxRunning")]
    public void ReadPatch_BadBody_IsRefusedNamingTheField(string body, string field)
    {
        var refused = Refused(() => OrgRequestReader.ReadPatch(Json(body)));

        refused.Errors.Keys.ShouldContain(field);
    }

    [Fact]
    public void ReadKill_Reason_IsTrimmed()
    {
        OrgRequestReader.ReadKill(Json("""{"reason":"  runaway spend "}""")).ShouldBe("runaway spend");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{}""")]
    [InlineData("""{"reason":""}""")]
    [InlineData("""{"reason":"   "}""")]
    [InlineData("""{"reason":12}""")]
    [InlineData("""{"reason":"bell\u0007"}""")]
    [InlineData("""{"reason":"x","orgId":"default"}""")]
    public void ReadKill_MissingOrBadReason_IsRefused(string? body)
    {
        Refused(() => OrgRequestReader.ReadKill(body is null ? null : Json(body)));
    }

    [Fact]
    public void ReadKill_OversizedReason_IsRefused()
    {
        var refused = Refused(() => OrgRequestReader.ReadKill(Json($$"""{"reason":"{{new string('x', 501)}}"}""")));

        refused.Errors["reason"].ShouldHaveSingleItem().ShouldContain("at most 500");
    }
}

using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Server.Teams;

namespace Nightshift.Server.Tests.Teams;

public sealed class TokenRequestReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static TokenRequest Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return TokenRequestReader.Read(document.RootElement, Now);
    }

    private static ValidationException Refused(string json) => Should.Throw<ValidationException>(() => Read(json));

    [Fact]
    public void Read_NameScopesAndDays_TakesThemInTheDocumentedOrder()
    {
        var request = Read("""{"name":" ci ","scopes":["tasks:write","tasks:read","tasks:read"],"expiresInDays":30}""");

        request.Name.ShouldBe("ci");
        request.Scopes.ShouldBe(["tasks:read", "tasks:write"]);
        request.ExpiresAt.ShouldBe(Now.AddDays(30));
        request.UserId.ShouldBeNull();
    }

    [Fact]
    public void Read_OnlyAName_LeavesScopesToTheServerAndNeverExpires()
    {
        var request = Read("""{"name":"laptop"}""");

        request.Scopes.ShouldBeNull();
        request.ExpiresAt.ShouldBeNull();
    }

    [Fact]
    public void Read_ExpiresAtWithOffset_IsKeptInUtc()
    {
        var request = Read("""{"name":"x","expiresAt":"2027-01-31T10:00:00+02:00"}""");

        request.ExpiresAt.ShouldBe(new DateTimeOffset(2027, 1, 31, 8, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("""{"scopes":["tasks:read"]}""", "name")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"   "}""", "name")]
    [InlineData("""{"name":5}""", "name")]
    [InlineData("""{"name":"a\nb"}""", "name")]
    [InlineData("""{"name":"x","scopes":[]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":"admin"}""", "scopes")]
    [InlineData("""{"name":"x","scopes":[1]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["root"]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["TASKS:READ"]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["tasks:read","a","b","c","d","e","f","g","h","i","j","k","l","m"]}""", "scopes")]
    [InlineData("""{"name":"x","expiresInDays":0}""", "expiresInDays")]
    [InlineData("""{"name":"x","expiresInDays":3651}""", "expiresInDays")]
    [InlineData("""{"name":"x","expiresInDays":1.5}""", "expiresInDays")]
    [InlineData("""{"name":"x","expiresInDays":"30"}""", "expiresInDays")]
    [InlineData("""{"name":"x","expiresAt":"2020-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"name":"x","expiresAt":"2027-01-01T00:00:00"}""", "expiresAt")]
    [InlineData("""{"name":"x","expiresAt":"next tuesday"}""", "expiresAt")]
    [InlineData("""{"name":"x","expiresAt":"2099-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"name":"x","expiresAt":"2027-01-01T00:00:00Z","expiresInDays":5}""", "expiresInDays")]
    [InlineData("""{"name":"x","userId":"usr_x'; DROP TABLE users;--"}""", "userId")]
    [InlineData("""{"name":"x","userId":7}""", "userId")]
    [InlineData("""{"name":"x","id":"tok_mine"}""", "id")]
    [InlineData("""{"name":"x","orgId":"other"}""", "orgId")]
    [InlineData("""{"name":"x","token":"ns_test_chosen_by_me"}""", "token")]
    [InlineData("""{"name":"x","hash":"00"}""", "hash")]
    [InlineData("""{"name":"x","createdAt":"2026-01-01T00:00:00Z"}""", "createdAt")]
    [InlineData("""{"name":"x","revokedAt":null}""", "revokedAt")]
    [InlineData("""{"name":"x","colour":"blue"}""", "colour")]
    [InlineData("""{"name":"x","name":"y"}""", "name")]
    public void Read_BadField_IsRefusedNamingIt(string json, string field)
    {
        var refused = Refused(json);

        refused.Errors.Keys.ShouldContain(field);
        refused.Errors[field].ShouldAllBe(m => m.Length > 10);
    }

    [Fact]
    public void Read_NameTooLong_SaysTheLimit()
    {
        var refused = Refused(JsonSerializer.Serialize(new { name = new string('n', 101) }));

        refused.Errors["name"].Single().ShouldContain("at most 100");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"name\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void Read_NotAnObject_IsRefusedAsTheBody(string json)
    {
        Refused(json).Errors.Keys.ShouldBe(["body"]);
    }

    [Fact]
    public void Read_HostileValues_AreNotEchoedRaw()
    {
        var refused = Refused("""{"name":"x","scopes":["\u001b[31mred\u0007"]}""");

        refused.Message.ShouldNotContain("\u001b");
        refused.Message.ShouldNotContain("\u0007");
    }
}

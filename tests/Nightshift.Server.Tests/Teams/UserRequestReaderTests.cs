using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Teams;

namespace Nightshift.Server.Tests.Teams;

public sealed class UserRequestReaderTests
{
    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void ReadCreate_NameAndRole_AreTaken()
    {
        var request = UserRequestReader.ReadCreate(Json("""{"name":" Ada Lovelace ","role":"member"}"""));

        request.ShouldBe(new UserRequest("Ada Lovelace", TeamRole.Member));
    }

    [Theory]
    [InlineData("""{"role":"member"}""", "name")]
    [InlineData("""{"name":"Ada"}""", "role")]
    [InlineData("""{"name":"Ada","role":"Admin"}""", "role")]
    [InlineData("""{"name":"Ada","role":" admin"}""", "role")]
    [InlineData("""{"name":"Ada","role":"owner"}""", "role")]
    [InlineData("""{"name":"Ada","role":2}""", "role")]
    [InlineData("""{"name":"","role":"viewer"}""", "name")]
    [InlineData("""{"name":"a\tb","role":"viewer"}""", "name")]
    [InlineData("""{"name":"Ada","role":"viewer","id":"usr_chosen"}""", "id")]
    [InlineData("""{"name":"Ada","role":"viewer","orgId":"other"}""", "orgId")]
    [InlineData("""{"name":"Ada","role":"viewer","disabled":true}""", "disabled")]
    [InlineData("""{"name":"Ada","role":"viewer","createdAt":"2026-01-01T00:00:00Z"}""", "createdAt")]
    [InlineData("""{"name":"Ada","role":"viewer","oidcSubject":"someone-else"}""", "oidcSubject")]
    [InlineData("""{"name":"Ada","role":"viewer","scopes":["admin"]}""", "scopes")]
    public void ReadCreate_BadField_IsRefusedNamingIt(string json, string field)
    {
        var refused = Should.Throw<ValidationException>(() => UserRequestReader.ReadCreate(Json(json)));

        refused.Errors.Keys.ShouldContain(field);
    }

    [Fact]
    public void ReadCreate_NameTooLong_SaysTheLimit()
    {
        var refused = Should.Throw<ValidationException>(() => UserRequestReader.ReadCreate(Json(JsonSerializer.Serialize(new { name = new string('a', 101), role = "viewer" }))));

        refused.Errors["name"].Single().ShouldContain("at most 100");
    }

    [Theory]
    [InlineData("""{"role":"viewer"}""", TeamRole.Viewer, null)]
    [InlineData("""{"disabled":true}""", null, true)]
    [InlineData("""{"role":"admin","disabled":false}""", TeamRole.Admin, false)]
    public void ReadPatch_GivenFields_AreTaken(string json, TeamRole? role, bool? disabled)
    {
        UserRequestReader.ReadPatch(Json(json)).ShouldBe(new UserPatch(role, disabled));
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("""{"role":null,"disabled":null}""", "body")]
    [InlineData("""{"disabled":"yes"}""", "disabled")]
    [InlineData("""{"disabled":1}""", "disabled")]
    [InlineData("""{"role":"superuser"}""", "role")]
    [InlineData("""{"name":"renamed"}""", "name")]
    [InlineData("""{"id":"usr_other","role":"admin"}""", "id")]
    [InlineData("""{"orgId":"other","role":"admin"}""", "orgId")]
    [InlineData("[]", "body")]
    public void ReadPatch_BadBody_IsRefusedNamingTheField(string json, string field)
    {
        var refused = Should.Throw<ValidationException>(() => UserRequestReader.ReadPatch(Json(json)));

        refused.Errors.Keys.ShouldContain(field);
    }
}

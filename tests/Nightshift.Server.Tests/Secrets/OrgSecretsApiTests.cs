using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Teams;
using Nightshift.Server.Secrets;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Teams;
using Nightshift.TestKit.Logging;

namespace Nightshift.Server.Tests.Secrets;

/// <summary><c>/api/v1/orgs/{id}/secrets</c> on the real server and its SQLite store: write-only, encrypted, scoped.</summary>
public sealed class OrgSecretsApiTests : IAsyncLifetime
{
    private const string Value = "sk-test-api-secret-0123456789abcdef";
    private const string Path = "/api/v1/orgs/default/secrets";

    private readonly CapturingLoggerProvider _logs = new();
    private RunningServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningServer.StartAsync(services: s => s.AddLogging(l => l.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> PutAsync(string name, object body, string orgPath = Path) =>
        _server.Client.PutAsync($"{orgPath}/{name}", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PutRawAsync(string name, string body) =>
        _server.Client.PutAsync($"{Path}/{name}", new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Put_NewThenReplaced_Answers201Then200WithoutTheValue()
    {
        using var created = await PutAsync("model.openai.api-key", new { value = Value });
        using var replaced = await PutAsync("model.openai.api-key", new { value = Value + "-2" });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        var createdBody = await created.Content.ReadAsStringAsync();
        var replacedBody = await replaced.Content.ReadAsStringAsync();
        createdBody.ShouldNotContain(Value);
        replacedBody.ShouldNotContain(Value);
        using var json = JsonDocument.Parse(replacedBody);
        json.RootElement.GetProperty("name").GetString().ShouldBe("model.openai.api-key");
        json.RootElement.TryGetProperty("value", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task List_AfterPut_ShowsNamesAndTimesOnly()
    {
        (await PutAsync("forge.github.token", new { value = Value })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var body = await _server.Client.GetStringAsync(Path);

        body.ShouldNotContain(Value);
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("orgId").GetString().ShouldBe("default");
        var secret = json.RootElement.GetProperty("secrets").EnumerateArray().ShouldHaveSingleItem();
        secret.GetProperty("name").GetString().ShouldBe("forge.github.token");
        secret.EnumerateObject().Select(p => p.Name).ShouldBe(["name", "createdAt", "updatedAt"], ignoreOrder: true);
        json.RootElement.GetProperty("known").EnumerateArray().Select(e => e.GetString()).ShouldContain("model.anthropic.api-key");
    }

    [Fact]
    public async Task Delete_Existing_Answers204ThenUnknown404()
    {
        (await PutAsync("forge.gitlab.token", new { value = Value })).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var removed = await _server.Client.DeleteAsync($"{Path}/forge.gitlab.token");
        using var again = await _server.Client.DeleteAsync($"{Path}/forge.gitlab.token");

        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _server.App.Services.GetRequiredService<IOrgSecrets>().GetAsync("default", "forge.gitlab.token")).ShouldBeNull();
    }

    [Fact]
    public async Task Put_Value_IsReadableByTheWorkerSideOnly()
    {
        (await PutAsync("model.anthropic.api-key", new { value = Value })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var decrypted = await _server.App.Services.GetRequiredService<IOrgSecrets>().GetAsync("default", "model.anthropic.api-key");
        var stored = await _server.Store.GetSecretCiphertextAsync("default", "model.anthropic.api-key");

        decrypted.ShouldBe(Value);
        stored.ShouldNotBeNull().ShouldStartWith(SecretProtector.Prefix);
        stored.ShouldNotContain(Value);
    }

    [Fact]
    public async Task Put_Value_AppearsInNoStoredByteNorLogLine()
    {
        (await PutAsync("model.gemini.api-key", new { value = Value })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await _server.Client.GetStringAsync(Path)).ShouldNotContain(Value);
        (await _server.App.Services.GetRequiredService<IOrgSecrets>().GetAsync("default", "model.gemini.api-key")).ShouldBe(Value);

        var needle = Encoding.UTF8.GetBytes(Value);
        var utf16 = Encoding.Unicode.GetBytes(Value);
        foreach (var file in Directory.EnumerateFiles(_server.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var bytes = await ReadSharedAsync(file);
            bytes.AsSpan().IndexOf(needle).ShouldBe(-1, $"{file} holds the secret's value");
            bytes.AsSpan().IndexOf(utf16).ShouldBe(-1, $"{file} holds the secret's value (UTF-16)");
        }
        _logs.Lines.ShouldNotBeEmpty();
        _logs.Lines.ShouldNotContain(line => line.Contains(Value, StringComparison.Ordinal));
        _logs.Lines.ShouldContain(line => line.Contains("model.gemini.api-key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("model.opneai.api-key")]
    [InlineData("MODEL.OPENAI.API-KEY")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("x%0Ay")]
    public async Task Put_UnknownOrHostileName_Answers400NamingTheName(string name)
    {
        using var response = await PutAsync(name, new { value = Value });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("name");
        body.ShouldNotContain(Value);
    }

    [Fact]
    public async Task Put_OverlongName_Answers400() =>
        (await PutAsync(new string('a', 300), new { value = Value })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

    [Theory]
    [InlineData("{\"value\":\"sk-test-api-secret-0123456789abcdef\",\"orgId\":\"globex\"}", "orgId")]
    [InlineData("{\"value\":\"sk-test-api-secret-0123456789abcdef\",\"createdAt\":\"2020-01-01T00:00:00Z\"}", "createdAt")]
    [InlineData("{\"secret\":\"sk-test-api-secret-0123456789abcdef\"}", "secret")]
    [InlineData("{\"value\":42}", "value")]
    [InlineData("{\"value\":\"\"}", "value")]
    [InlineData("{\"value\":\"a\\u0000bcdefgh\"}", "value")]
    [InlineData("[\"sk-test-api-secret-0123456789abcdef\"]", "body")]
    public async Task Put_MalformedBody_Answers400NamingTheField(string body, string field)
    {
        using var response = await PutRawAsync("model.openai.api-key", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain(field);
        text.ShouldNotContain(Value);
        (await _server.Store.GetSecretCiphertextAsync("default", "model.openai.api-key")).ShouldBeNull();
    }

    [Fact]
    public async Task Put_NotJson_Answers400()
    {
        using var response = await PutRawAsync("model.openai.api-key", "value=sk-test-api-secret");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Put_OversizedValue_Answers400()
    {
        using var response = await PutAsync("model.openai.api-key", new { value = new string('k', SecretNames.MaxValueBytes + 1) });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("value");
    }

    [Theory]
    [InlineData("globex")]
    [InlineData("Default")]
    [InlineData("-bad-")]
    [InlineData("a%2Fb")]
    public async Task Routes_OrganisationThatDoesNotExist_Answer404(string org)
    {
        var orgPath = $"/api/v1/orgs/{org}/secrets";
        using var list = await _server.Client.GetAsync(orgPath);
        using var put = await PutAsync("model.openai.api-key", new { value = Value }, orgPath);
        using var delete = await _server.Client.DeleteAsync($"{orgPath}/model.openai.api-key");

        list.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        put.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        delete.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Routes_WithoutAToken_Answer401()
    {
        using var anonymous = _server.CreateClient(null);

        (await anonymous.GetAsync(Path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PutAsJsonAsync($"{Path}/model.openai.api-key", new { value = Value })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _server.Store.GetSecretCiphertextAsync("default", "model.openai.api-key")).ShouldBeNull();
    }

    [Fact]
    public async Task MayManage_AdminOfAnotherOrganisation_IsRefusedLikeAMissingOne()
    {
        await _server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        await _server.Store.CreateOrgAsync(new NewOrganisation("globex", "Globex"));
        var service = _server.App.Services.GetRequiredService<OrgSecretService>();
        var acmeAdmin = new Caller("acme", "usr_acme", "admin", TeamRole.Admin, Scopes.ForRole(TeamRole.Admin), "tok_acme", "token");
        var acmeMember = acmeAdmin with { Role = TeamRole.Member, Scopes = Scopes.ForRole(TeamRole.Member) };
        var installationAdmin = acmeAdmin with { OrgId = OrgIds.Default };

        (await service.MayManageAsync(acmeAdmin, "acme")).ShouldBeTrue();
        (await service.MayManageAsync(acmeAdmin, "globex")).ShouldBeFalse();
        (await service.MayManageAsync(acmeAdmin, OrgIds.Default)).ShouldBeFalse();
        (await service.MayManageAsync(acmeMember, "acme")).ShouldBeFalse();
        (await service.MayManageAsync(installationAdmin, "globex")).ShouldBeTrue();
        (await service.MayManageAsync(installationAdmin, "initech")).ShouldBeFalse();
    }

    [Fact]
    public async Task GetAsync_SecretOfAnotherOrganisation_IsNotSeen()
    {
        await _server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        (await PutAsync("model.openai.api-key", new { value = Value }, "/api/v1/orgs/acme/secrets")).StatusCode.ShouldBe(HttpStatusCode.Created);
        var secrets = _server.App.Services.GetRequiredService<IOrgSecrets>();

        (await secrets.GetAsync("acme", "model.openai.api-key")).ShouldBe(Value);
        (await secrets.GetAsync("default", "model.openai.api-key")).ShouldBeNull();
        using var own = JsonDocument.Parse(await _server.Client.GetStringAsync(Path));
        own.RootElement.GetProperty("secrets").GetArrayLength().ShouldBe(0);
    }

    private static async Task<byte[]> ReadSharedAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

using System.Text.Json;
using Nightshift.Cli.Tests.Commands.Webhooks;

namespace Nightshift.Cli.Tests.Commands.Whoami;

/// <summary><c>nightshift whoami</c> in this process against a real server on loopback, with the server's own token.</summary>
public sealed class WhoamiCommandTests(WebhooksServer server) : IClassFixture<WebhooksServer>
{
    [Fact]
    public async Task Whoami_ServerToken_IsTheFirstAdminOfTheDefaultOrganisation()
    {
        var text = await server.CliAsync("whoami");
        var json = await server.CliAsync("whoami", "--json");

        text.ExitCode.ShouldBe(ExitCodes.Ok, text.ToString());
        text.Stdout.ShouldContain("organisation  default");
        text.Stdout.ShouldContain("role          admin");
        text.Stdout.ShouldContain("signed in by  token tok_");
        json.ExitCode.ShouldBe(ExitCodes.Ok, json.ToString());
        using var me = JsonDocument.Parse(json.Stdout);
        me.RootElement.GetProperty("orgId").GetString().ShouldBe("default");
        me.RootElement.GetProperty("userName").GetString().ShouldBe("admin");
        me.RootElement.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ShouldBe(["admin"]);
    }
}

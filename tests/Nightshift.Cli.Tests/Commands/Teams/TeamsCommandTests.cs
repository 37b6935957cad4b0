using System.Text.Json;

namespace Nightshift.Cli.Tests.Commands.Teams;

/// <summary><c>nightshift token|user|audit …</c> in this process against a real server on loopback.</summary>
public sealed class TeamsCommandTests(TeamsServer server) : IClassFixture<TeamsServer>
{
    private static string TokenLine(string stdout) => stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("ns_", StringComparison.Ordinal));

    private async Task<string> UserAsync(string role = "member")
    {
        var added = await server.CliAsync("user", "add", "token owner", "--role", role, "--json");
        added.ExitCode.ShouldBe(ExitCodes.Ok, added.ToString());
        using var json = JsonDocument.Parse(added.Stdout);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task TokenCreateLsRevoke_PrintsTheTokenOnce_ListsItByHint_AndRevokesIt()
    {
        var owner = await UserAsync();
        var created = await server.CliAsync("token", "create", "ci", "--scope", "tasks:read", "--scope", "tasks:write", "--expires", "30d", "--user", owner);

        created.ExitCode.ShouldBe(ExitCodes.Ok, created.ToString());
        created.Stderr.ShouldContain("only time the token is shown");
        var token = TokenLine(created.Stdout);
        var id = created.Stdout.Split('\n')[0].Split(' ')[2];
        id.ShouldStartWith("tok_");
        var listed = await server.CliAsync("token", "ls", "--all");
        var json = await server.CliAsync("token", "ls", "--all", "--json");
        listed.ExitCode.ShouldBe(ExitCodes.Ok, listed.ToString());
        listed.Stdout.ShouldContain(id);
        listed.Stdout.ShouldContain(token[..7]);
        listed.Stdout.ShouldContain("tasks:read, tasks:write");
        listed.Stdout.ShouldNotContain(token[7..]);
        json.Stdout.ShouldNotContain(token[7..]);
        using (var array = JsonDocument.Parse(json.Stdout))
        {
            array.RootElement.EnumerateArray().ShouldContain(t => t.GetProperty("id").GetString() == id);
        }

        var revoked = await server.CliAsync("token", "revoke", id);
        var unknown = await server.CliAsync("token", "revoke", "tok_nothing_here");

        revoked.ExitCode.ShouldBe(ExitCodes.Ok, revoked.ToString());
        (await server.CliAsync("token", "ls", "--all", "--json")).Stdout.ShouldContain("\"revoked\"");
        unknown.ExitCode.ShouldBe(ExitCodes.NotFound, unknown.ToString());
    }

    [Fact]
    public async Task TokenCreate_ScopeTheServerRefuses_ExitsUsageNamingScopes_AndPrintsNoToken()
    {
        var result = await server.CliAsync("token", "create", "ci", "--scope", "tasks:write", "--user", await UserAsync("viewer"));

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("scopes");
        result.Stdout.ShouldNotContain("ns_");
    }

    [Fact]
    public async Task UserAddLsSet_AddsAViewer_PromotesAndDisablesIt()
    {
        var added = await server.CliAsync("user", "add", "Grace Hopper", "--role", "viewer", "--json");

        added.ExitCode.ShouldBe(ExitCodes.Ok, added.ToString());
        string id;
        using (var json = JsonDocument.Parse(added.Stdout))
        {
            id = json.RootElement.GetProperty("id").GetString()!;
            json.RootElement.GetProperty("role").GetString().ShouldBe("viewer");
        }
        var listed = await server.CliAsync("user", "ls");
        listed.Stdout.ShouldContain("Grace Hopper");
        listed.Stdout.ShouldContain(id);

        var promoted = await server.CliAsync("user", "set", id, "--role", "member");
        var disabled = await server.CliAsync("user", "set", id, "--disable");
        var missing = await server.CliAsync("user", "set", "usr_nobody", "--role", "member");

        promoted.ExitCode.ShouldBe(ExitCodes.Ok, promoted.ToString());
        promoted.Stdout.ShouldContain("member");
        disabled.Stdout.ShouldContain("disabled");
        missing.ExitCode.ShouldBe(ExitCodes.NotFound, missing.ToString());
    }

    [Fact]
    public async Task AuditLsAndExport_ShowTheTokenMade_AsTableAndJsonLines()
    {
        var created = await server.CliAsync("token", "create", "audited", "--scope", "tasks:read", "--user", await UserAsync());
        var token = TokenLine(created.Stdout);
        var id = created.Stdout.Split('\n')[0].Split(' ')[2];

        await TestKit.TestDefaults.WaitUntilAsync(
            async () => (await server.CliAsync("audit", "ls", "--action", "token.create", "--json")).Stdout.Contains(id, StringComparison.Ordinal),
            "the audit log has the token's creation");
        var table = await server.CliAsync("audit", "ls", "--action", "token.create", "--since", "1h");
        var export = await server.CliAsync("audit", "export", "--since", "1h");

        table.ExitCode.ShouldBe(ExitCodes.Ok, table.ToString());
        table.Stdout.ShouldContain("token.create");
        table.Stdout.ShouldContain(id);
        export.ExitCode.ShouldBe(ExitCodes.Ok, export.ToString());
        var lines = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldNotBeEmpty();
        var numbers = new List<long>();
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            numbers.Add(entry.RootElement.GetProperty("number").GetInt64());
        }
        numbers.ShouldBe(numbers.Order().ToList());
        export.Stdout.ShouldContain(id);
        export.Stdout.ShouldNotContain(token[7..]);
        table.Stdout.ShouldNotContain(token[7..]);
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Teams;

namespace Nightshift.Cli.Tests.Commands.Org;

/// <summary><c>nightshift org …</c> in this process against a real server on loopback.</summary>
public sealed class OrgCommandTests(OrgsServer server) : IClassFixture<OrgsServer>
{
    private static string NewId() => "o" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Create_PrintsTheAdminTokenOnce_AndShowAndLsNeverShowIt()
    {
        var id = NewId();

        var created = await server.CliAsync("org", "create", id, "--name", "Acme Corp", "--allow-repo", "https://github.com/acme/*");

        created.ExitCode.ShouldBe(ExitCodes.Ok, created.ToString());
        var token = created.Stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("ns_", StringComparison.Ordinal));
        (await server.Store.FindTokenByHashAsync(SHA256.HashData(Encoding.UTF8.GetBytes(token)))).ShouldNotBeNull().OrgId.ShouldBe(id);
        var shown = await server.CliAsync("org", "show", id);
        shown.ExitCode.ShouldBe(ExitCodes.Ok, shown.ToString());
        shown.Stdout.ShouldContain("Acme Corp");
        shown.Stdout.ShouldContain("https://github.com/acme/*");
        shown.Stdout.ShouldContain("no limit");
        shown.Stdout.ShouldNotContain(token);
        var listed = await server.CliAsync("org", "ls", "--json");
        listed.ExitCode.ShouldBe(ExitCodes.Ok, listed.ToString());
        listed.Stdout.ShouldNotContain(token);
        using var json = JsonDocument.Parse(listed.Stdout);
        json.RootElement.EnumerateArray().Select(o => o.GetProperty("id").GetString()).ShouldContain(id);
    }

    [Fact]
    public async Task Set_ChangesTheNamedLimits_ClearRemovesOne_AndTheRestStay()
    {
        var id = NewId();
        (await server.CliAsync("org", "create", id)).ExitCode.ShouldBe(ExitCodes.Ok);

        var set = await server.CliAsync("org", "set", id, "--max-running", "3", "--max-cost-day", "5.50", "--max-cost-task", "1");
        var cleared = await server.CliAsync("org", "set", id, "--clear", "max-cost-task", "--allow-repo", "/srv/git/app");

        set.ExitCode.ShouldBe(ExitCodes.Ok, set.ToString());
        set.Stdout.ShouldContain("$5.50");
        cleared.ExitCode.ShouldBe(ExitCodes.Ok, cleared.ToString());
        var org = await server.Store.FindOrgAsync(id);
        org.ShouldNotBeNull();
        org.Quotas.ShouldBe(new OrgQuotas(MaxRunning: 3, MaxCostPerDayUsd: 5.50m));
        org.AllowedRepos.ShouldBe(["/srv/git/app"]);
    }

    [Theory]
    [InlineData("org", "set", "someorg")]
    [InlineData("org", "set", "someorg", "--clear", "max-spend")]
    [InlineData("org", "set", "someorg", "--max-cost-day", "5", "--clear", "max-cost-day")]
    [InlineData("org", "set", "someorg", "--allow-repo", "/srv/a", "--clear", "allow-repo")]
    [InlineData("org", "set", "someorg", "--max-running", "many")]
    [InlineData("org", "kill", "someorg")]
    [InlineData("org", "kill", "someorg", "--reason", "   ")]
    [InlineData("org")]
    public async Task BadCommandLine_ExitsUsage(params string[] args)
    {
        var result = await server.CliAsync(args);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("--max-running", "-1", "quotas.maxRunning")]
    [InlineData("--max-cost-month", "2000000", "quotas.maxCostPerMonthUsd")]
    [InlineData("--allow-repo", "ftp://example.com/x", "allowedRepos[0]")]
    public async Task Set_ValueTheServerRefuses_ExitsUsageNamingTheField(string option, string value, string field)
    {
        var id = NewId();
        (await server.CliAsync("org", "create", id)).ExitCode.ShouldBe(ExitCodes.Ok);

        var result = await server.CliAsync("org", "set", id, option, value);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain(field);
        (await server.Store.FindOrgAsync(id))!.Quotas.ShouldBe(OrgQuotas.None);
    }

    [Theory]
    [InlineData("Bad_Id")]
    [InlineData("-x")]
    public async Task Create_BadId_ExitsUsage(string id)
    {
        var result = await server.CliAsync("org", "create", id);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stdout.ShouldNotContain("ns_");
    }

    [Fact]
    public async Task Show_UnknownOrg_ExitsNotFound()
    {
        var result = await server.CliAsync("org", "show", "ghost-" + NewId());

        result.ExitCode.ShouldBe(ExitCodes.NotFound, result.ToString());
        result.Stderr.ShouldContain("no organisation");
    }

    [Fact]
    public async Task Kill_WithoutATerminalOrYes_AsksForYesAndCancelsNothing_WithYesCancels()
    {
        var id = NewId();
        (await server.CliAsync("org", "create", id)).ExitCode.ShouldBe(ExitCodes.Ok);
        var task = (await server.Store.SubmitAsync(new NewTask { Repo = "https://github.com/example/app", Instruction = "wait", Source = "api", OrgId = id }.Validated())).Task.Id;

        var refused = await server.CliAsync("org", "kill", id, "--reason", "drill");
        var stateAfterRefusal = (await server.Store.FindAsync(task))!.Status;
        var killed = await server.CliAsync("org", "kill", id, "--reason", "drill", "--yes");

        refused.ExitCode.ShouldBe(ExitCodes.Usage, refused.ToString());
        refused.Stderr.ShouldContain("--yes");
        stateAfterRefusal.ShouldBe(TaskState.Queued);
        killed.ExitCode.ShouldBe(ExitCodes.Ok, killed.ToString());
        killed.Stdout.ShouldContain("1 waiting task(s) cancelled");
        killed.Stdout.ShouldContain(task);
        (await server.Store.FindAsync(task))!.Status.ShouldBe(TaskState.Cancelled);
    }
}

using System.Text.Json;
using Nightshift.Cli.Commands.Webhooks;

namespace Nightshift.Cli.Tests.Commands.Webhooks;

/// <summary><c>nightshift webhooks …</c> in this process against a real server on loopback.</summary>
public sealed class WebhooksCommandTests(WebhooksServer server) : IClassFixture<WebhooksServer>
{
    private static string Secret(string stdout) => stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("whsec_", StringComparison.Ordinal));

    private async Task<(string Id, string Secret)> AddAsync(string url = "https://hooks.example.com/nightshift")
    {
        var added = await server.CliAsync("webhooks", "add", url, "--json");
        added.ExitCode.ShouldBe(ExitCodes.Ok, added.ToString());
        using var json = JsonDocument.Parse(added.Stdout);
        return (json.RootElement.GetProperty("endpoint").GetProperty("id").GetString()!, json.RootElement.GetProperty("secret").GetProperty("value").GetString()!);
    }

    [Fact]
    public async Task AddLsRm_Webhook_PrintsTheSecretOnce_ListsItWithoutTheSecret_AndRemovesIt()
    {
        var added = await server.CliAsync("webhooks", "add", "https://hooks.example.com/a", "--event", "task.succeeded", "--event", "task.failed", "--repo", "https://github.com/example/app", "--description", "CI");

        added.ExitCode.ShouldBe(ExitCodes.Ok, added.ToString());
        var secret = Secret(added.Stdout);
        var id = added.Stdout.Split('\n')[0].Split(' ')[^1].Trim();
        id.ShouldStartWith("we_");
        var listed = await server.CliAsync("webhooks", "ls");
        listed.ExitCode.ShouldBe(ExitCodes.Ok, listed.ToString());
        listed.Stdout.ShouldContain(id);
        listed.Stdout.ShouldContain("https://hooks.example.com/a");
        listed.Stdout.ShouldContain("task.succeeded, task.failed");
        listed.Stdout.ShouldNotContain(secret["whsec_".Length..]);
        var json = await server.CliAsync("webhooks", "ls", "--json");
        json.Stdout.ShouldNotContain(secret["whsec_".Length..]);
        using (var array = JsonDocument.Parse(json.Stdout))
        {
            array.RootElement.EnumerateArray().ShouldContain(e => e.GetProperty("id").GetString() == id);
        }

        var removed = await server.CliAsync("webhooks", "rm", id);
        var gone = await server.CliAsync("webhooks", "rm", id);

        removed.ExitCode.ShouldBe(ExitCodes.Ok, removed.ToString());
        gone.ExitCode.ShouldBe(ExitCodes.NotFound, gone.ToString());
        gone.Stderr.ShouldContain("no outbound endpoint");
        (await server.Store.GetEndpointAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task Add_SlackAndEmail_MakeEndpointsWithoutSecrets()
    {
        var slack = await server.CliAsync("webhooks", "add", "https://chat.example.com/hooks/T0/B0", "--slack", "--json");
        var email = await server.CliAsync("webhooks", "add", "--email", "ops@example.com", "--email", "lead@example.com", "--json");

        slack.ExitCode.ShouldBe(ExitCodes.Ok, slack.ToString());
        email.ExitCode.ShouldBe(ExitCodes.Ok, email.ToString());
        using var slackJson = JsonDocument.Parse(slack.Stdout);
        using var emailJson = JsonDocument.Parse(email.Stdout);
        slackJson.RootElement.GetProperty("endpoint").GetProperty("channel").GetString().ShouldBe("slack");
        slackJson.RootElement.GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);
        emailJson.RootElement.GetProperty("endpoint").GetProperty("recipients").GetArrayLength().ShouldBe(2);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://user:pw@hooks.example.com/x")]
    [InlineData("ftp://hooks.example.com/x")]
    public async Task Add_BadUrl_ExitsUsageNamingTheUrl(string url)
    {
        var result = await server.CliAsync("webhooks", "add", url);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("url:");
        result.Stdout.ShouldNotContain("whsec_");
    }

    [Theory]
    [InlineData("webhooks", "add")]
    [InlineData("webhooks", "add", "https://hooks.example.com/x", "--email", "ops@example.com")]
    [InlineData("webhooks", "add", "--email", "ops@example.com", "--slack")]
    [InlineData("webhooks")]
    [InlineData("webhooks", "deliveries", "we_x", "--state", "lost")]
    [InlineData("webhooks", "deliveries", "we_x", "--limit", "0")]
    [InlineData("webhooks", "rotate", "we_x", "--retire-after", "forever")]
    [InlineData("webhooks", "rotate", "we_x", "--retire-after", "99999999999d")]
    [InlineData("webhooks", "rm")]
    public async Task Webhooks_UnusableCommandLine_ExitsUsage(params string[] args)
    {
        var result = await server.CliAsync(args);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("error");
    }

    [Fact]
    public async Task DeliveriesAndRedeliver_DeadLetter_TableAttemptsAndRedelivery_WithHostileExcerptFlattened()
    {
        var (id, _) = await AddAsync();
        var dead = await server.SeedDeadDeliveryAsync(id, "\u001b[31mred\u001b]0;pwned\u0007 <script>alert(1)</script>");

        var table = await server.CliAsync("webhooks", "deliveries", id, "--state", "dead");
        var one = await server.CliAsync("webhooks", "deliveries", id, dead.Id);
        var redeliver = await server.CliAsync("webhooks", "redeliver", id, dead.Id);
        var again = await server.CliAsync("webhooks", "redeliver", id, dead.Id);
        var pending = await server.CliAsync("webhooks", "deliveries", id, "--state", "pending", "--json");

        table.ExitCode.ShouldBe(ExitCodes.Ok, table.ToString());
        table.Stdout.ShouldContain(dead.Id);
        table.Stdout.ShouldContain("task.queued");
        table.Stdout.ShouldContain("dead");
        table.Stdout.ShouldContain("503");
        one.ExitCode.ShouldBe(ExitCodes.Ok, one.ToString());
        one.Stdout.ShouldContain("attempt 1");
        one.Stdout.ShouldContain("status 503");
        one.Stdout.ShouldContain("<script>alert(1)</script>");
        one.Stdout.ShouldNotContain("\u001b");
        one.Stdout.ShouldNotContain("\u0007");
        one.Stderr.ShouldContain($"nightshift webhooks redeliver {id} {dead.Id}");
        redeliver.ExitCode.ShouldBe(ExitCodes.Ok, redeliver.ToString());
        redeliver.Stdout.ShouldContain("pending");
        again.ExitCode.ShouldBe(ExitCodes.Conflict, again.ToString());
        using var json = JsonDocument.Parse(pending.Stdout);
        json.RootElement.EnumerateArray().Single().GetProperty("id").GetString().ShouldBe(dead.Id);
    }

    [Fact]
    public async Task Rotate_RetireAfter_PrintsTheNewSecretOnce_AndTheOldOneExpires()
    {
        var (id, first) = await AddAsync();

        var result = await server.CliAsync("webhooks", "rotate", id, "--retire-after", "24h");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.ToString());
        var second = Secret(result.Stdout);
        second.ShouldNotBe(first);
        result.Stdout.ShouldContain("stop signing in");
        var endpoint = (await server.Store.GetEndpointAsync(id))!;
        endpoint.Secrets.Count.ShouldBe(2);
        // Oldest first; at rest both are ciphertext, never the values printed.
        endpoint.Secrets[0].ExpiresAt.ShouldNotBeNull();
        endpoint.Secrets[1].ExpiresAt.ShouldBeNull();
        endpoint.Secrets.ShouldAllBe(s => s.Value.StartsWith("dp1:") && s.Value != first && s.Value != second);
        (await server.CliAsync("webhooks", "ls")).Stdout.ShouldNotContain(second["whsec_".Length..]);
    }

    [Fact]
    public async Task DisableEnable_SwitchTheEndpointOffAndOn()
    {
        var (id, _) = await AddAsync();

        var off = await server.CliAsync("webhooks", "disable", id);
        var offState = (await server.Store.GetEndpointAsync(id))!.Active;
        var on = await server.CliAsync("webhooks", "enable", id);

        off.ExitCode.ShouldBe(ExitCodes.Ok, off.ToString());
        on.ExitCode.ShouldBe(ExitCodes.Ok, on.ToString());
        offState.ShouldBeFalse();
        (await server.Store.GetEndpointAsync(id))!.Active.ShouldBeTrue();
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("24h", 86400)]
    [InlineData("7d", 604800)]
    [InlineData("1.5h", 5400)]
    [InlineData("12:00:00", 43200)]
    public void ParseDuration_Forms_GiveTheDuration(string text, int seconds) =>
        WebhooksRotateCommand.ParseDuration(text).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("5x")]
    [InlineData("-1h")]
    [InlineData("31d")]
    [InlineData("1e9s")]
    [InlineData("NaNh")]
    public void ParseDuration_Unusable_GivesNull(string text) =>
        WebhooksRotateCommand.ParseDuration(text).ShouldBeNull();
}

using System.Text.Json;
using Nightshift.Cli.Tests.Commands.Webhooks;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests.Commands.Secret;

/// <summary><c>nightshift secret …</c> in this process against a real server on loopback.</summary>
public sealed class SecretCommandTests(WebhooksServer server) : IClassFixture<WebhooksServer>
{
    private const string Value = "sk-test-cli-secret-0123456789abcdef";

    private async Task<CliResult> CliWithInputAsync(string? stdin, params string[] args)
    {
        using var cli = new InProcessCli();
        return await cli.RunWithInputAsync(stdin, [.. args, "--data", server.DataDirectory]);
    }

    [Fact]
    public async Task SetLsRm_ValueFromStdin_IsStoredListedWithoutItsValueAndRemoved()
    {
        var set = await CliWithInputAsync(Value + "\n", "secret", "set", "model.openai.api-key", "--org", "default");
        var listed = await CliWithInputAsync(null, "secret", "ls", "--org", "default");
        var json = await CliWithInputAsync(null, "secret", "ls", "--org", "default", "--json");

        set.ExitCode.ShouldBe(ExitCodes.Ok, set.ToString());
        set.ToString().ShouldNotContain(Value);
        listed.ExitCode.ShouldBe(ExitCodes.Ok, listed.ToString());
        listed.Stdout.ShouldContain("model.openai.api-key");
        listed.ToString().ShouldNotContain(Value);
        json.Stdout.ShouldNotContain(Value);
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            document.RootElement.GetProperty("secrets").EnumerateArray().ShouldContain(s => s.GetProperty("name").GetString() == "model.openai.api-key");
        }

        var removed = await CliWithInputAsync(null, "secret", "rm", "model.openai.api-key", "--org", "default");
        var gone = await CliWithInputAsync(null, "secret", "rm", "model.openai.api-key", "--org", "default");

        removed.ExitCode.ShouldBe(ExitCodes.Ok, removed.ToString());
        gone.ExitCode.ShouldBe(ExitCodes.NotFound, gone.ToString());
    }

    [Fact]
    public async Task Set_ValueAsAnArgument_IsRefusedAndNotSent()
    {
        var result = await CliWithInputAsync(null, "secret", "set", "forge.gitea.token", Value, "--org", "default");

        result.ExitCode.ShouldNotBe(ExitCodes.Ok);
        var listed = await CliWithInputAsync(null, "secret", "ls", "--org", "default", "--json");
        using var document = JsonDocument.Parse(listed.Stdout);
        document.RootElement.GetProperty("secrets").EnumerateArray().ShouldNotContain(s => s.GetProperty("name").GetString() == "forge.gitea.token");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("   \n")]
    public async Task Set_NoValueOnStdin_ExitsUsage(string stdin)
    {
        var result = await CliWithInputAsync(stdin, "secret", "set", "forge.gitlab.token", "--org", "default");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("no value");
    }

    [Theory]
    [InlineData("model.opneai.api-key")]
    [InlineData("../../etc/passwd")]
    [InlineData("MODEL.OPENAI.API-KEY")]
    public async Task Set_UnknownOrHostileName_ExitsUsageNamingTheField(string name)
    {
        var result = await CliWithInputAsync(Value, "secret", "set", name, "--org", "default");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("name");
        result.ToString().ShouldNotContain(Value);
    }

    [Fact]
    public async Task Set_OversizedValue_IsRefused()
    {
        var result = await CliWithInputAsync(new string('k', 70 * 1024), "secret", "set", "forge.github.token", "--org", "default");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
    }

    [Fact]
    public async Task Ls_AnotherOrganisation_IsNotFound()
    {
        var result = await CliWithInputAsync(null, "secret", "ls", "--org", "no-such-org");

        result.ExitCode.ShouldBe(ExitCodes.NotFound, result.ToString());
    }
}

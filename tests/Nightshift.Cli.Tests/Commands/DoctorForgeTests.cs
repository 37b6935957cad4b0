using System.Text.Json;
using System.Text.Json.Nodes;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;
using Nightshift.TestKit.Forges;

namespace Nightshift.Cli.Tests.Commands;

public sealed class DoctorForgeTests : IAsyncLifetime
{
    private const string Token = "github_pat_DOCTORSECRET123";
    private readonly InProcessCli _cli = new();
    private readonly string _data = Directory.CreateTempSubdirectory("ns-doctor-forge-").FullName;
    private FakeGitHubServer _github = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(TestDefaults.TimeoutToken());
        _github.AcceptToken(Token);
        _cli.Variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:9";
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _cli.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<JsonElement[]> ForgeChecksAsync(string token)
    {
        var settings = new JsonObject
        {
            ["Forges"] = new JsonObject
            {
                ["github"] = new JsonObject { ["Host"] = _github.Host, ["ApiUrl"] = _github.ApiUrl.ToString(), ["Token"] = token },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(_data, "appsettings.json"), settings.ToJsonString());
        var result = await _cli.RunAsync("doctor", "--json", "--data", _data);
        result.Stdout.ShouldNotContain(token);
        result.Stderr.ShouldNotContain(token);
        using var document = JsonDocument.Parse(result.Stdout);
        return [.. document.RootElement.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("name").GetString() == "forges").Select(c => c.Clone())];
    }

    [Fact]
    public async Task Doctor_GitHubTokenWorks_SaysWhoItActsAs()
    {
        var check = (await ForgeChecksAsync(Token)).ShouldHaveSingleItem();

        check.GetProperty("status").GetString().ShouldBe("ok");
        check.GetProperty("detail").GetString()!.ShouldContain("nightshift-bot");
        _github.Calls.ShouldHaveSingleItem().Path.ShouldBe("/user");
    }

    [Fact]
    public async Task Doctor_GitHubTokenRefused_FailsNamingTheSetting()
    {
        var check = (await ForgeChecksAsync("github_pat_NOTACCEPTED99")).ShouldHaveSingleItem();

        check.GetProperty("status").GetString().ShouldBe("fail");
        check.GetProperty("detail").GetString()!.ShouldContain("Forges:github:Token");
    }

    [Fact]
    public async Task Doctor_PermissionMissing_SaysWhichOne()
    {
        _github.Script(new FakeGitHubFailure("GET", "/user", 403, "Resource not accessible")
        {
            Headers = new Dictionary<string, string> { ["X-Accepted-GitHub-Permissions"] = "contents=write" },
        });

        var check = (await ForgeChecksAsync(Token)).ShouldHaveSingleItem();

        check.GetProperty("status").GetString().ShouldBe("fail");
        check.GetProperty("detail").GetString()!.ShouldContain("contents=write");
    }

    [Fact]
    public async Task Doctor_ForgeEntryInvalid_FailsWithTheSettingAndNoCall()
    {
        var check = (await ForgeChecksAsync("two words")).ShouldHaveSingleItem();

        check.GetProperty("status").GetString().ShouldBe("fail");
        check.GetProperty("detail").GetString()!.ShouldStartWith("Forges:github:Token");
        _github.Calls.ShouldBeEmpty();
    }
}

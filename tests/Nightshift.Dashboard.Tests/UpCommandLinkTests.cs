using System.Net;
using System.Text.RegularExpressions;
using Nightshift.TestKit;
using Nightshift.TestKit.Cli;

namespace Nightshift.Dashboard.Tests;

/// <summary>The link <c>nightshift up --print-token</c> prints (its output is not a terminal here), as a real process.</summary>
public sealed partial class UpCommandLinkTests
{
    [Fact]
    public async Task Up_PrintsASignInLinkWhoseTokenIsTheServersAndStaysOutOfTheRequest()
    {
        await using var server = await ServerProcess.StartAsync(CliProcess.DllPath, ["up", "--urls", "http://127.0.0.1:0", "--data", "{data}", "--workers", "0", "--print-token"]);
        await TestDefaults.WaitUntilAsync(() => server.Output.Contains("dashboard: ", StringComparison.Ordinal), "up prints the dashboard link");

        var link = new Uri(DashboardLine().Match(server.Output).Groups[1].Value);

        link.GetLeftPart(UriPartial.Authority).ShouldBe(server.Url.GetLeftPart(UriPartial.Authority));
        link.AbsolutePath.ShouldBe("/signin");
        link.Query.ShouldBeEmpty();
        Uri.UnescapeDataString(link.Fragment).ShouldBe("#token=" + server.Token);
        using var client = new HttpClient();
        using var page = await client.GetAsync(link);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("signin.js");
    }

    [GeneratedRegex(@"dashboard: (\S+)")]
    private static partial Regex DashboardLine();
}

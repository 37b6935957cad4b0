using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Oidc;

namespace Nightshift.Server.Tests.Oidc;

/// <summary>
/// A running Nightshift with <c>Auth:Oidc</c> pointing at a <see cref="TestIdentityProvider"/>, and browser-like clients
/// (a cookie jar, redirects followed) to sign in through it.
/// </summary>
internal sealed partial class OidcTestServer : IAsyncDisposable
{
    private readonly TempDirectory _data;

    private OidcTestServer(TestIdentityProvider provider, RunningServer server, TempDirectory data)
    {
        Provider = provider;
        Server = server;
        _data = data;
    }

    public TestIdentityProvider Provider { get; }

    public RunningServer Server { get; }

    /// <param name="oidc">the <c>Auth:Oidc</c> section beside Authority, ClientId and ClientSecret, which point at the provider.</param>
    public static async Task<OidcTestServer> StartAsync(Dictionary<string, object?>? oidc = null)
    {
        var provider = await TestIdentityProvider.StartAsync(cancellationToken: TestKit.TestDefaults.TimeoutToken());
        var data = new TempDirectory();
        var section = new Dictionary<string, object?>
        {
            ["Authority"] = provider.Issuer,
            ["ClientId"] = provider.ClientId,
            ["ClientSecret"] = provider.ClientSecret,
            ["DisplayName"] = "Test IdP",
            ["AdminValues"] = new[] { "ns-admins" },
            ["MemberValues"] = new[] { "ns-members" },
            ["ViewerValues"] = new[] { "ns-viewers" },
        };
        foreach (var (key, value) in oidc ?? [])
        {
            section[key] = value;
        }
        await File.WriteAllTextAsync(
            Path.Combine(data.Path, "appsettings.json"),
            JsonSerializer.Serialize(new { Auth = new { Oidc = section } }));
        var server = await RunningServer.StartAsync(dataDirectory: data.Path);
        provider.RedirectUri = server.Url.TrimEnd('/') + "/signin-oidc";
        return new OidcTestServer(provider, server, data);
    }

    /// <summary>A client like a browser: keeps cookies, follows redirects (to the provider and back).</summary>
    public HttpClient Browser(CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = true, MaxAutomaticRedirections = 10 };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Server.Url), Timeout = TestKit.TestDefaults.Timeout };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        return client;
    }

    /// <summary>
    /// Starts a sign-in at <c>/signin/oidc</c>, follows it through the provider back to the callback and returns what the
    /// callback answered: the continue page on success, the refusal page otherwise.
    /// </summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string? returnUrl = null)
    {
        var start = returnUrl is null ? "/signin/oidc" : "/signin/oidc?returnUrl=" + Uri.EscapeDataString(returnUrl);
        return await browser.GetAsync(start, TestKit.TestDefaults.TimeoutToken());
    }

    /// <summary>Where the continue page sends the browser next; both its refresh and its link must say the same.</summary>
    public static string ContinueTarget(string html)
    {
        var refresh = RefreshPattern().Match(html);
        var link = LinkPattern().Match(html);
        refresh.Success.ShouldBeTrue($"the callback's answer has no refresh to the dashboard:\n{html}");
        link.Success.ShouldBeTrue($"the callback's answer has no continue link:\n{html}");
        var target = WebUtility.HtmlDecode(refresh.Groups["url"].Value);
        WebUtility.HtmlDecode(link.Groups["url"].Value).ShouldBe(target);
        return target;
    }

    /// <summary>Signs in and follows the continue page, as a browser's refresh would.</summary>
    public static async Task<HttpResponseMessage> SignInAndContinueAsync(HttpClient browser, string? returnUrl = null)
    {
        using var callback = await SignInAsync(browser, returnUrl);
        var html = await callback.Content.ReadAsStringAsync();
        callback.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        return await browser.GetAsync(ContinueTarget(html), TestKit.TestDefaults.TimeoutToken());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Provider.DisposeAsync();
        _data.Dispose();
    }

    [GeneratedRegex("""<meta http-equiv="refresh" content="0;url=(?<url>[^"]*)">""")]
    private static partial Regex RefreshPattern();

    [GeneratedRegex("""<a href="(?<url>[^"]*)" id="continue">""")]
    private static partial Regex LinkPattern();
}

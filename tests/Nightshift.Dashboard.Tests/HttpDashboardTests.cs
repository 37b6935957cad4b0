using System.Net;
using System.Text.Json;
using Nightshift.Dashboard.Tests.Support;

namespace Nightshift.Dashboard.Tests;

/// <summary>Page routes, the sign-in cookie and antiforgery over plain HTTP, without a browser.</summary>
public sealed class HttpDashboardTests
{
    [Fact]
    public async Task Page_WithoutSession_RedirectsBrowserToSignInWithReturnPath()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();

        using var board = await browser.GetAsync("/");
        using var form = await browser.GetAsync("/tasks/new?x=1");

        board.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        board.Headers.Location!.OriginalString.ShouldBe("/signin");
        form.Headers.Location!.OriginalString.ShouldBe("/signin?returnUrl=%2Ftasks%2Fnew%3Fx%3D1");
    }

    [Fact]
    public async Task Board_TaskWhoseAttemptsAreUsedUp_ShowsInTheDeadColumnNotTheFailedOne()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        var submitted = await server.Store.SubmitAsync(new Core.Tasks.NewTask
        {
            Repo = "https://github.com/example/app",
            Instruction = "Always breaks",
            MaxAttempts = 1,
        });
        var lease = (await server.Store.TryClaimAsync(new Storage.ClaimRequest("test:1:0", TimeSpan.FromMinutes(1))))!;
        await server.Store.FinishAsync(lease, Core.Execution.TaskOutcome.Retry("the repository vanished"));
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();

        var page = await browser.GetStringAsync("/");

        var start = page.IndexOf("data-column=\"dead\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "the board has a dead column");
        var column = page[start..page.IndexOf("</section>", start, StringComparison.Ordinal)];
        column.ShouldContain($"data-task=\"{submitted.Task.Id}\"");
        column.ShouldContain("status-dead");
        var failed = page[page.IndexOf("data-column=\"failed\"", StringComparison.Ordinal)..start];
        failed.ShouldNotContain(submitted.Task.Id);
    }

    [Fact]
    public async Task Api_WithoutToken_StillAnswers401ProblemEvenToABrowser()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();

        using var response = await browser.GetAsync("/api/v1/tasks");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task SignIn_WithTheToken_SetsHttpOnlyStrictCookieAndOpensTheBoard()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();

        using var signIn = await DashboardServer.SignInAsync(browser, server.Token, "/signin?returnUrl=%2Fusage");
        using var usage = await browser.GetAsync("/usage");

        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.Location!.OriginalString.ShouldBe("/usage");
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("nightshift_session=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldNotContain(server.Token);
        usage.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await usage.Content.ReadAsStringAsync()).ShouldContain("<h1>Usage</h1>");
    }

    [Theory]
    [InlineData("ns_not-the-token-at-all-xxxxxxxxxxxxxxxx")]
    [InlineData("")]
    [InlineData("<script>alert(1)</script>")]
    public async Task SignIn_WithWrongOrMissingToken_IsRefusedWithoutCookie(string token)
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();

        using var signIn = await DashboardServer.SignInAsync(browser, token);
        using var board = await browser.GetAsync("/");

        signIn.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        signIn.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).ShouldNotContain(c => c.StartsWith("nightshift_session=", StringComparison.Ordinal));
        var page = await signIn.Content.ReadAsStringAsync();
        page.ShouldContain("token-error");
        page.ShouldNotContain("<script>alert(1)</script>");
        board.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Theory]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task SignIn_ReturnUrlLeadingElsewhere_GoesToTheBoardInstead(string returnUrl)
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();

        using var signIn = await DashboardServer.SignInAsync(browser, server.Token, "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));

        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.Location!.OriginalString.ShouldBe("/");
    }

    [Theory]
    [InlineData("v1.99999999999.AAAA")]
    [InlineData("garbage")]
    [InlineData("v1.1.")]
    public async Task Session_ForgedCookie_IsNotASession(string value)
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        var cookies = new CookieContainer();
        cookies.Add(new Uri(server.Url), new Cookie("nightshift_session", value));
        using var browser = server.Browser(cookies);

        using var board = await browser.GetAsync("/");

        board.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_IsRefused()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();

        using var post = await browser.PostAsync("/tasks/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["repo"] = "https://github.com/example/app",
            ["instruction"] = "should not be submitted",
        }));

        post.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Store.ListAsync(new Storage.TaskQuery())).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Session_ReadsTheApiButCannotWriteThroughIt()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();

        using var list = await browser.GetAsync("/api/v1/tasks");
        using var submit = await browser.PostAsync("/api/v1/tasks", new StringContent("""{"repo":"https://github.com/example/app","instruction":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        using var bearer = await server.Api.GetAsync("/api/v1/tasks");

        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        submit.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        bearer.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("https://github.com/example/app", "   ", "instruction")]
    [InlineData("file:///etc", "Change the answer", "repo")]
    [InlineData("https://user:secret@github.com/example/app", "Change the answer", "repo")]
    public async Task NewTaskForm_BadInput_ShowsTheApisMessageByTheField(string repo, string instruction, string field)
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();
        var form = await browser.GetStringAsync("/tasks/new");
        using var api = await server.Api.PostAsync("/api/v1/tasks", new StringContent(
            JsonSerializer.Serialize(new { repo, instruction }), System.Text.Encoding.UTF8, "application/json"));
        using var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        var apiMessage = problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!;

        using var post = await browser.PostAsync("/tasks/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["repo"] = repo,
            ["instruction"] = instruction,
            ["__antiforgery"] = DashboardServer.AntiforgeryToken(form),
        }));
        var page = await post.Content.ReadAsStringAsync();

        post.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = System.Text.RegularExpressions.Regex.Match(page, $"<p id=\"{field}-error\" class=\"field-error\">([^<]*)</p>");
        error.Success.ShouldBeTrue(page);
        WebUtility.HtmlDecode(error.Groups[1].Value).ShouldContain(apiMessage);
        (await server.Store.ListAsync(new Storage.TaskQuery())).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task TaskPage_CancelForm_CancelsTheRunningTaskThenOffersRetry()
    {
        await using var server = await DashboardServer.StartAsync(hold: true);
        var id = await server.SubmitAsync("Long work");
        await server.Executor.Holding.WaitAsync(TestKit.TestDefaults.Timeout);
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();
        var page = await browser.GetStringAsync($"/tasks/{id}");
        page.ShouldContain("Cancel task");

        using var cancel = await browser.PostAsync($"/tasks/{id}?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__antiforgery"] = DashboardServer.AntiforgeryToken(page),
        }));

        cancel.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        cancel.Headers.Location!.OriginalString.ShouldBe($"/tasks/{id}");
        await server.WaitForStatusAsync(id, "cancelled");
        var after = await browser.GetStringAsync($"/tasks/{id}");
        after.ShouldContain(">Retry</button>");
        after.ShouldNotContain("Cancel task");
    }

    [Fact]
    public async Task Pages_HostileInstruction_IsShownAsTextOnBoardAndTaskPage()
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("<script>alert('x')</script><img src=x onerror=alert(1)>");
        await server.WaitForStatusAsync(id, "succeeded");
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();

        var board = await browser.GetStringAsync("/");
        var task = await browser.GetStringAsync($"/tasks/{id}");
        var fragment = await browser.GetStringAsync($"/tasks/{id}?handler=Events&after=0");

        foreach (var html in new[] { board, task, fragment })
        {
            html.ShouldNotContain("<script>alert");
            html.ShouldNotContain("<img src=x");
        }
        task.ShouldContain("&lt;script&gt;alert(");
    }

    [Fact]
    public async Task StaticAssets_AreServedWithoutSignIn()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();

        using var css = await browser.GetAsync("/assets/css/dashboard.css");
        using var script = await browser.GetAsync("/assets/js/dashboard.js");
        using var missing = await browser.GetAsync("/assets/../Nightshift.Server.dll");

        css.StatusCode.ShouldBe(HttpStatusCode.OK);
        css.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        missing.StatusCode.ShouldNotBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TaskPage_UnknownOrHostileId_Answers404Page()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();

        using var unknown = await browser.GetAsync("/tasks/01JZZZZZZZZZZZZZZZZZZZZZZZ");
        using var hostile = await browser.GetAsync("/tasks/%3Cscript%3E");

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        hostile.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await hostile.Content.ReadAsStringAsync()).ShouldNotContain("<script>");
    }
}

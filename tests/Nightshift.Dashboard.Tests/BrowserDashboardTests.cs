using Microsoft.Playwright;
using Nightshift.Dashboard.Tests.Support;
using Nightshift.TestKit;

namespace Nightshift.Dashboard.Tests;

/// <summary>The dashboard in Debian's Chromium against a real server whose worker emits the agent's events.</summary>
public sealed class BrowserDashboardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly float Timeout = (float)TestDefaults.Timeout.TotalMilliseconds;

    private static async Task<IPage> SignedInPageAsync(IBrowserContext context, DashboardServer server)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(Nightshift.Server.Auth.SignInLink.WithToken(server.Url, server.Token));
        await page.WaitForURLAsync(server.Url + "/");
        return page;
    }

    [Fact]
    public async Task NewTaskForm_Submitted_TaskPageFollowsTheTaskLiveToSucceeded()
    {
        await using var server = await DashboardServer.StartAsync(hold: true);
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, server);

        await page.GetByRole(AriaRole.Link, new() { Name = "New task" }).ClickAsync();
        await page.GetByLabel("Repository").FillAsync("https://github.com/example/app");
        await page.GetByLabel("Instruction").FillAsync("Return 2 instead of 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit task" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/tasks/[0-9A-Za-z]+$"));
        await server.Executor.Holding.WaitAsync(TestDefaults.Timeout);
        await Assertions.Expect(page.Locator("#task-status")).ToHaveAttributeAsync("data-status", "running");
        await Assertions.Expect(page.Locator("#plan-dag [data-subtask=parse]")).ToHaveAttributeAsync("data-state", "done");
        await Assertions.Expect(page.Locator("#plan-dag [data-subtask=report]")).ToHaveAttributeAsync("data-state", "running");
        await page.EvaluateAsync("() => window.__sameDocument = true");

        server.Executor.Release();

        await Assertions.Expect(page.Locator("#task-status")).ToHaveAttributeAsync("data-status", "succeeded");
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue("the page reloaded instead of updating live");
        await Assertions.Expect(page.Locator("#plan-dag [data-subtask=report]")).ToHaveAttributeAsync("data-state", "done");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("3 passed in 0.02s");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("$0.0125");
        await Assertions.Expect(page.Locator("#task-cost")).ToHaveTextAsync("$0.025");
        await Assertions.Expect(page.Locator("li.ev[data-type='tool.call']")).ToContainTextAsync("read_file");
        await Assertions.Expect(page.Locator("li.ev[data-type='tool.call'] details.result")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "task-succeeded-1280-light");
    }

    [Fact]
    public async Task Board_TaskSubmittedElsewhere_AppearsAndMovesToSucceededWithoutReload()
    {
        await using var server = await DashboardServer.StartAsync(hold: true);
        await using var context = await browser.NewContextAsync(scheme: ColorScheme.Dark);
        var page = await SignedInPageAsync(context, server);
        await page.EvaluateAsync("() => window.__sameDocument = true");

        var id = await server.SubmitAsync("Board watch");
        var card = page.Locator($"li.card[data-task='{id}']");
        await Assertions.Expect(page.Locator("[data-column=running]").Locator($"li[data-task='{id}']")).ToBeVisibleAsync();
        server.Executor.Release();

        await Assertions.Expect(page.Locator("[data-column=succeeded]").Locator($"li[data-task='{id}']")).ToBeVisibleAsync();
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue();
        await Assertions.Expect(card).ToContainTextAsync("$0.025");
        await BrowserFixture.ScreenshotAsync(page, "board-1280-dark");
    }

    [Fact]
    public async Task WaitingPlan_Approved_RunsToSucceeded()
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("Plan first", approval: true);
        await server.WaitForStatusAsync(id, "awaiting_approval");
        await using var context = await browser.NewContextAsync(width: 375);
        var page = await SignedInPageAsync(context, server);

        await page.GotoAsync($"{server.Url}/tasks/{id}");
        await Assertions.Expect(page.Locator("#plan-dag [data-subtask]")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(page, "plan-awaiting-approval-375-light");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Assertions.Expect(page.Locator("#task-status")).ToHaveAttributeAsync("data-status", "succeeded");
        lock (server.Executor.PlansSeen)
        {
            server.Executor.PlansSeen.Count.ShouldBe(2);
            server.Executor.PlansSeen[1].ShouldBe(DashboardExecutor.Plan);
        }
        await BrowserFixture.ScreenshotAsync(page, "task-succeeded-375-light");
    }

    [Fact]
    public async Task WaitingPlan_EditedBadlyThenWell_ShowsTheErrorThenRunsTheEditedPlan()
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("Plan first", approval: true);
        await server.WaitForStatusAsync(id, "awaiting_approval");
        await using var context = await browser.NewContextAsync(width: 375, scheme: ColorScheme.Dark);
        var page = await SignedInPageAsync(context, server);
        await page.GotoAsync($"{server.Url}/tasks/{id}");

        await page.GetByLabel("Edit the plan").FillAsync("{\"subtasks\": [ not json");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.Locator("#plan-error")).ToContainTextAsync("not valid JSON");
        await BrowserFixture.ScreenshotAsync(page, "plan-error-375-dark");
        var edited = DashboardExecutor.Plan.Replace("Write the report", "Write a shorter report", StringComparison.Ordinal);
        await page.GetByLabel("Edit the plan").FillAsync(edited);
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Assertions.Expect(page.Locator("#task-status")).ToHaveAttributeAsync("data-status", "succeeded");
        lock (server.Executor.PlansSeen)
        {
            server.Executor.PlansSeen[^1]!.ShouldContain("Write a shorter report");
        }
    }

    [Fact]
    public async Task WaitingPlan_Rejected_IsCancelledWithTheReason()
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("Plan first", approval: true);
        await server.WaitForStatusAsync(id, "awaiting_approval");
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, server);
        await page.GotoAsync($"{server.Url}/tasks/{id}");

        await page.GetByLabel("Reason for rejecting").FillAsync("touches billing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();

        await Assertions.Expect(page.Locator("#task-status")).ToHaveAttributeAsync("data-status", "cancelled");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("touches billing");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SucceededTask_DiffAndUsage_ShowTheChangeAndTheCost()
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("Return 2");
        await server.WaitForStatusAsync(id, "succeeded");
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, server);
        await page.GotoAsync($"{server.Url}/tasks/{id}");

        await page.GetByRole(AriaRole.Link, new() { Name = "View the diff" }).ClickAsync();
        await Assertions.Expect(page.Locator("#diff-rich .d2h-file-wrapper")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#diff-rich")).ToContainTextAsync("return 2");
        await Assertions.Expect(page.Locator("#diff-rich")).ToContainTextAsync("src/app.py");
        await BrowserFixture.ScreenshotAsync(page, "diff-1280-light");

        await page.GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();
        await Assertions.Expect(page.Locator("#total-cost")).ToHaveTextAsync("$0.025");
        await Assertions.Expect(page.Locator("#table-model")).ToContainTextAsync("scripted/dash-model");
        await Assertions.Expect(page.Locator("#table-repo")).ToContainTextAsync("https://github.com/example/app");
        await Assertions.Expect(page.Locator("#total-success")).ToHaveTextAsync("100 %");
        await Assertions.Expect(page.Locator("#chart-day")).ToBeVisibleAsync();
        // Lines only over time; models and repositories are categories, so bars.
        (await ChartTypesAsync(page, "chart-day")).ShouldBe("line:line,line");
        (await ChartTypesAsync(page, "chart-day-tasks")).ShouldBe("line:line,line");
        (await ChartTypesAsync(page, "chart-model")).ShouldBe("bar:bar,bar");
        (await ChartTypesAsync(page, "chart-repo")).ShouldBe("bar:bar,bar");
        await BrowserFixture.ScreenshotAsync(page, "usage-1280-light");
    }

    [Theory]
    [InlineData(1280, "light")]
    [InlineData(1280, "dark")]
    [InlineData(375, "light")]
    [InlineData(375, "dark")]
    public async Task SucceededTask_EachWidthAndScheme_ShowsCostsVerificationAndNoBookkeepingOrSidewaysScroll(int width, string scheme)
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("Return 2");
        await server.WaitForStatusAsync(id, "succeeded");
        await using var context = await browser.NewContextAsync(width, scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        var page = await SignedInPageAsync(context, server);
        await Assertions.Expect(page.Locator($"li.card[data-task='{id}']")).ToContainTextAsync("$0.025");
        await AssertNoSidewaysScrollAsync(page, "the board");
        await BrowserFixture.ScreenshotAsync(page, $"board-{width}-{scheme}");

        await page.GotoAsync($"{server.Url}/tasks/{id}");
        // A finished task shows its state, not the phase it was last in.
        await Assertions.Expect(page.Locator("#task-status")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(page.Locator("#task-cost")).ToHaveTextAsync("$0.025");
        await Assertions.Expect(page.Locator("li.ev[data-type='model.response']").First).ToContainTextAsync("$0.0125");
        await Assertions.Expect(page.Locator("#plan-dag [data-subtask=parse] .node-usage")).ToHaveTextAsync("1500 tokens · $0.0125");

        var baseline = page.Locator("#verify-baseline");
        await Assertions.Expect(baseline).ToHaveCountAsync(1);
        await Assertions.Expect(baseline).ToContainTextAsync("1 test already failing");
        await Assertions.Expect(baseline).ToContainTextAsync(DashboardExecutor.LegacyTest);
        await Assertions.Expect(baseline).ToContainTextAsync("ran " + DashboardExecutor.TestCommand);
        var rounds = page.Locator("#verification li.round");
        await Assertions.Expect(rounds).ToHaveCountAsync(2);
        await Assertions.Expect(rounds.Nth(0)).ToHaveAttributeAsync("data-outcome", "failed");
        await Assertions.Expect(rounds.Nth(0)).ToContainTextAsync("Round 1: failed");
        await Assertions.Expect(rounds.Nth(0)).ToContainTextAsync("1 failed, 3 passed");
        await Assertions.Expect(rounds.Nth(0).Locator(".new-failures")).ToHaveTextAsync(DashboardExecutor.BrokenTest);
        await Assertions.Expect(rounds.Nth(1)).ToContainTextAsync("Round 2: passed");
        await Assertions.Expect(rounds.Nth(1).Locator(".pre-existing")).ToContainTextAsync("declared out of scope: " + DashboardExecutor.LegacyReason);
        (await rounds.Nth(1).TextContentAsync())!.ShouldContain(" s · ran " + DashboardExecutor.TestCommand);

        var checkpoint = page.Locator("li.ev[data-type='task.checkpoint']");
        await Assertions.Expect(checkpoint).ToHaveCountAsync(1);
        await Assertions.Expect(checkpoint).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("li.ev[data-type='model.request']").First).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("li.ev[data-type='verify.failed'] .ev-summary")).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "the task page");
        var wide = width > 600;
        await Assertions.Expect(page.Locator(wide ? "#plan-dag" : "#plan-dag-narrow")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(wide ? "#plan-dag-narrow" : "#plan-dag")).ToBeHiddenAsync();
        var last = await page.Locator((wide ? "#plan-dag" : "#plan-dag-narrow") + " [data-subtask=report]").BoundingBoxAsync();
        last.ShouldNotBeNull();
        (last.X + last.Width).ShouldBeLessThanOrEqualTo(width, "the plan's last node is cut at the right");
        await BrowserFixture.ScreenshotAsync(page, $"task-{width}-{scheme}");

        await page.GetByLabel("Show bookkeeping events").CheckAsync();
        await Assertions.Expect(checkpoint).ToBeVisibleAsync();
        await Assertions.Expect(checkpoint).ToContainTextAsync("checkpoint saved");
        await page.GetByLabel("Show bookkeeping events").UncheckAsync();
        await Assertions.Expect(checkpoint).ToBeHiddenAsync();

        await page.GotoAsync($"{server.Url}/usage");
        await Assertions.Expect(page.Locator("#total-cost")).ToHaveTextAsync("$0.025");
        await Assertions.Expect(page.Locator("#table-repo tbody td.num").First).ToHaveTextAsync("$0.025");
        await AssertNoSidewaysScrollAsync(page, "the usage page");
        await BrowserFixture.ScreenshotAsync(page, $"usage-{width}-{scheme}");
    }

    [Fact]
    public async Task NewTaskForm_EmptyInstruction_ShowsTheServersMessageNextToTheField()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        await using var context = await browser.NewContextAsync(width: 375);
        var page = await SignedInPageAsync(context, server);
        await page.GotoAsync($"{server.Url}/tasks/new");

        await page.GetByLabel("Repository").FillAsync("https://github.com/example/app");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit task" }).ClickAsync();
        await Assertions.Expect(page.Locator("#instruction-error")).ToBeVisibleAsync();
        (await page.GetByLabel("Instruction").GetAttributeAsync("aria-describedby"))!.ShouldContain("instruction-error");
        await page.GetByLabel("Repository").FillAsync("file:///etc");
        await page.GetByLabel("Instruction").FillAsync("Read the password file");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit task" }).ClickAsync();

        await Assertions.Expect(page.Locator("#repo-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#instruction-error")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "new-task-error-375-light");
    }

    [Fact]
    public async Task SignIn_WrongToken_IsRefusedAndTheLinkSignsInAtOnce()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);

        await page.GotoAsync($"{server.Url}/usage");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await page.GetByLabel("API token").FillAsync("ns_wrong-token-wrong-token-wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#token-error")).ToContainTextAsync("not one this server knows");
        await BrowserFixture.ScreenshotAsync(page, "signin-refused-1280-light");

        await page.GotoAsync(Nightshift.Server.Auth.SignInLink.WithToken(server.Url, server.Token));
        await page.WaitForURLAsync(server.Url + "/");
        page.Url.ShouldNotContain(server.Token);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Board" })).ToBeVisibleAsync();
    }

    /// <summary>The page is no wider than the window: nothing to scroll sideways to, nothing cut.</summary>
    private static async Task AssertNoSidewaysScrollAsync(IPage page, string what)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.ShouldBeLessThanOrEqualTo(0, $"{what} scrolls sideways by {overflow} px");
    }

    /// <summary>"chartType:datasetType,…" of the Chart.js chart drawn on a canvas.</summary>
    private static Task<string> ChartTypesAsync(IPage page, string canvas) =>
        page.EvaluateAsync<string>(
            "id => { const c = window.Chart.getChart(document.getElementById(id)); return c.config.type + ':' + c.data.datasets.map(d => d.type || c.config.type).join(','); }",
            canvas);

    [Fact]
    public async Task WithoutJavaScript_BoardAndTaskPageStillRender()
    {
        await using var server = await DashboardServer.StartAsync();
        var id = await server.SubmitAsync("Return 2");
        await server.WaitForStatusAsync(id, "succeeded");
        await using var context = await browser.NewContextAsync(javaScript: false);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);

        await page.GotoAsync($"{server.Url}/");
        await page.GetByLabel("API token").FillAsync(server.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-column=succeeded]").Locator($"li[data-task='{id}']")).ToBeVisibleAsync();
        await page.Locator($"#card-{id}").ClickAsync();

        await Assertions.Expect(page.Locator("#task-status")).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(page.Locator("#plan-dag [data-state=done]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("read_file");
        await page.GetByRole(AriaRole.Link, new() { Name = "View the diff" }).ClickAsync();
        await Assertions.Expect(page.Locator("#diff-plain .line.add")).ToContainTextAsync("return 2");
        await BrowserFixture.ScreenshotAsync(page, "diff-no-js-1280-light");
    }

    [Fact]
    public async Task TaskPage_CommandsRecorded_CommandsSectionListsThemEscaped()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        var id = await server.SubmitAsync("Run some commands");
        var lease = await server.Store.TryClaimAsync(new Nightshift.Storage.ClaimRequest("test-worker:1:0", TimeSpan.FromMinutes(5))) ?? throw new InvalidOperationException("not claimed");
        var started = DateTimeOffset.UtcNow;
        await server.Store.RecordCommandAsync(lease, new("setup", null, "pip install -r requirements.txt", "", "on", 0, null, null, started, TimeSpan.FromSeconds(12), 2_048, 0,
            [new("registry.example.org", 443, true, 3, "public address"), new("169.254.169.254", 80, false, 1, "link-local address")]));
        await server.Store.RecordCommandAsync(lease, new("agent", null, "echo '<script>window.__pwned=1</script>' \u001b[2J\n\u202eevil", "", "off", 137, 9, "timeout", started, TimeSpan.FromMinutes(2), 10, 5, []));
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, server);

        await page.GotoAsync($"{server.Url}/tasks/{id}");

        var rows = page.Locator("#commands-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("pip install -r requirements.txt");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("3 allowed, 1 refused");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("2 KB");
        await Assertions.Expect(rows.Nth(1)).ToHaveAttributeAsync("data-failed", "true");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("timeout (137)");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("<script>window.__pwned=1</script>");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("\\x1b[2J\\n\\u202eevil");
        await Assertions.Expect(page.Locator("#commands-totals")).ToContainTextAsync("2 commands, 1 failed");
        (await page.EvaluateAsync<bool>("() => window.__pwned === undefined")).ShouldBeTrue("a command line ran as script on the task page");
    }
}

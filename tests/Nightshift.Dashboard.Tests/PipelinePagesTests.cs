using Microsoft.Playwright;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Serialization;
using Nightshift.Dashboard.Tests.Support;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit;

namespace Nightshift.Dashboard.Tests;

/// <summary>
/// The pipelines page and a run's page in Debian's Chromium, on a run seeded through the store as a coordinator would
/// write it (no coordinator runs in these servers): the graph and its states, hostile outputs and reasons kept inert,
/// approval from the page turning the step pending through the run's live events, and the run form.
/// </summary>
public sealed class PipelinePagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Pipeline = "lint-fix-test";
    private const string Repo = "https://github.com/example/app";
    // Nothing in the store starts or changes runs but the test itself.
    private const string NoCoordinator = """{"Pipelines": {"Enabled": false}}""";
    private const string HostileOutput = """{"error_count":2,"errors":"<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"}""";
    private const string HostileReason = "<img src=x onerror=\"window.__pwned=3\"><script>window.__pwned=4</script> broke";

    private const string Yaml = """
        name: lint-fix-test
        description: Lint, fix what lint finds, test
        inputs:
          package: { description: what to update, required: true }
        steps:
          lint:
            run: ./lint.sh
          fix:
            depends_on: [lint]
            condition: steps.lint.output.error_count > 0
            instruction: "Fix these lint errors: {{steps.lint.output.errors}} in {{inputs.package}}"
            on_failure: continue
          docs:
            depends_on: [lint]
            run: ./docs.sh
          test:
            depends_on: [fix, docs]
            run: npm test
            requires_approval: true
        """;

    private static readonly float Timeout = (float)TestDefaults.Timeout.TotalMilliseconds;

    [Fact]
    public async Task RunPage_SeededRunEachWidthAndScheme_DrawsStepsKeepsHostileTextInertAndApprovalTurnsTheStepPendingLive()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false, appSettingsJson: NoCoordinator);
        var fixTask = await server.SubmitAsync("Fix the lint errors");
        var run = await SeedRunAsync(server.Store, fixTask);

        foreach (var (width, scheme) in new[] { (1280, ColorScheme.Light), (1280, ColorScheme.Dark), (375, ColorScheme.Light), (375, ColorScheme.Dark) })
        {
            await using var context = await browser.NewContextAsync(width, scheme);
            var page = await SignedInPageAsync(context, server);
            var name = $"{width}-{scheme.ToString().ToLowerInvariant()}";

            await page.GotoAsync($"{server.Url}/runs/{run.Id}");

            var graph = width > 600 ? "#run-dag" : "#run-dag-narrow";
            await Assertions.Expect(page.Locator(graph)).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(width > 600 ? "#run-dag-narrow" : "#run-dag")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator($"{graph} g.node")).ToHaveCountAsync(4);
            await Assertions.Expect(page.Locator($"{graph} path.edge")).ToHaveCountAsync(4);
            await Assertions.Expect(page.Locator($"{graph} [data-step=lint]")).ToHaveAttributeAsync("data-state", "succeeded");
            await Assertions.Expect(page.Locator($"{graph} [data-step=fix]")).ToHaveAttributeAsync("data-state", "failed");
            await Assertions.Expect(page.Locator($"{graph} [data-step=docs]")).ToHaveAttributeAsync("data-state", "skipped");
            await Assertions.Expect(page.Locator($"{graph} [data-step=test]")).ToHaveAttributeAsync("data-state", "awaiting_approval");
            await Assertions.Expect(page.Locator("#run-state")).ToHaveAttributeAsync("data-state", "awaiting_approval");
            await Assertions.Expect(page.Locator("#run-branch")).ToHaveTextAsync(run.Branch);

            // Hostile output and reason: shown as the text they are, nothing of them runs or becomes an element.
            await page.Locator($"{graph} a.node-link[data-open='step-lint']").ClickAsync();
            await Assertions.Expect(page.Locator("#step-lint .step-output")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#step-lint .step-output")).ToContainTextAsync("\"errors\": \"<script>window.__pwned=1</script><img src=x onerror=\\\"window.__pwned=2\\\">\"");
            await page.Locator("#step-fix summary").ClickAsync();
            await Assertions.Expect(page.Locator("#step-fix .step-reason")).ToHaveTextAsync(HostileReason);
            await Assertions.Expect(page.Locator("#step-fix a.step-task")).ToHaveAttributeAsync("href", $"/tasks/{fixTask}");
            await Assertions.Expect(page.Locator("#run-body img")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#run-body script")).ToHaveCountAsync(0);
            (await page.EvaluateAsync<bool>("() => window.__pwned === undefined")).ShouldBeTrue("an output or reason ran as script on the run page");
            await Assertions.Expect(page.Locator("#run-timeline li[data-type='step.skipped'] .ev-summary")).ToContainTextAsync("docs: the condition was false");
            await AssertNoSidewaysScrollAsync(page, "the run page");
            await BrowserFixture.ScreenshotAsync(page, $"run-{name}");

            await page.GetByRole(AriaRole.Link, new() { Name = "Pipelines", Exact = true }).ClickAsync();
            var row = page.Locator($"#pipeline-{Pipeline}");
            await Assertions.Expect(row.Locator(".last-run [data-state]")).ToHaveAttributeAsync("data-state", "awaiting_approval");
            await Assertions.Expect(page.Locator($"#runs tr[data-run='{run.Id}']")).ToContainTextAsync("awaiting approval");
            await AssertNoSidewaysScrollAsync(page, "the pipelines page");
            await BrowserFixture.ScreenshotAsync(page, $"pipelines-{name}");
        }

        await using (var context = await browser.NewContextAsync())
        {
            var page = await SignedInPageAsync(context, server);
            await page.GotoAsync($"{server.Url}/runs/{run.Id}");
            await Assertions.Expect(page.Locator("#run")).ToHaveAttributeAsync("data-live", "stream");
            await page.EvaluateAsync("() => window.__sameDocument = true");

            await page.GetByRole(AriaRole.Button, new() { Name = "Approve test" }).ClickAsync();

            await Assertions.Expect(page.Locator("#run-dag [data-step=test]")).ToHaveAttributeAsync("data-state", "pending");
            await Assertions.Expect(page.Locator("#run-timeline li[data-type='step.approved']")).ToContainTextAsync("approved by");
            (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue("the page reloaded instead of following the run's events");
            (await server.Store.ListStepsAsync(run.Id)).Single(s => s.Name == "test").State.ShouldBe(StepState.Pending);
            await BrowserFixture.ScreenshotAsync(page, "run-approved-1280-light");
        }
    }

    [Fact]
    public async Task PipelinesPage_RunFormMissingARequiredInput_NamesItThenStartsARunAsTheCaller()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false, appSettingsJson: NoCoordinator);
        await server.Store.SavePipelineAsync(new PipelineRecord { Id = "ignored", Name = Pipeline, Yaml = Yaml });
        await using var context = await browser.NewContextAsync(width: 375);
        var page = await SignedInPageAsync(context, server);

        await page.GetByRole(AriaRole.Link, new() { Name = "Pipelines", Exact = true }).ClickAsync();
        await page.Locator($"#pipeline-{Pipeline} details.run-form summary").ClickAsync();
        await page.GetByLabel("Repository").FillAsync(Repo);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Start a run of {Pipeline}" }).ClickAsync();

        await Assertions.Expect(page.Locator($"#run-{Pipeline}-inputs-error")).ToContainTextAsync("'package'");
        (await server.Store.ListRunsAsync(Nightshift.Core.Teams.OrgIds.Default, null, null, 10)).ShouldBeEmpty();
        await page.GetByLabel("package (required)").FillAsync("<b>left-pad</b>");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Start a run of {Pipeline}" }).ClickAsync();

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9A-Za-z_-]+$"));
        var run = (await server.Store.ListRunsAsync(Nightshift.Core.Teams.OrgIds.Default, null, null, 10)).ShouldHaveSingleItem();
        run.Trigger.ShouldBe("dashboard");
        run.Repo.ShouldBe(Repo);
        run.Inputs["package"].ShouldBe("<b>left-pad</b>");
        run.CreatedBy.ShouldNotBeNullOrEmpty();
        await Assertions.Expect(page.Locator("#run-state")).ToHaveAttributeAsync("data-state", "queued");
        await Assertions.Expect(page.Locator("#run-dag-narrow g.node[data-state=pending]")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator(".inputs")).ToContainTextAsync("package = <b>left-pad</b>");
        await BrowserFixture.ScreenshotAsync(page, "run-started-375-light");
    }

    /// <summary>A pipeline, and a run of it as a coordinator leaves it: lint succeeded, fix failed, docs skipped, test waiting for approval.</summary>
    private static async Task<RunRecord> SeedRunAsync(IPipelineStore store, string fixTask)
    {
        var (pipeline, _) = await store.SavePipelineAsync(new PipelineRecord { Id = "ignored", Name = Pipeline, Yaml = Yaml });
        var (run, _) = await store.CreateRunAsync(
            new NewRun { Pipeline = Pipeline, PipelineId = pipeline.Id, Yaml = Yaml, Repo = Repo, Inputs = new Dictionary<string, string> { ["package"] = "left-pad" } },
            ["lint", "fix", "docs", "test"]);
        var lease = (await store.ClaimRunsAsync("dashboard-test", TimeSpan.FromMinutes(5), 10)).ShouldHaveSingleItem();
        var now = DateTimeOffset.UtcNow;
        RunStepRecord Step(string name, StepState state, string? output = null, string? reason = null, string? task = null) =>
            new() { RunId = run.Id, Name = name, State = state, Output = output, Reason = reason, TaskId = task, StartedAt = now, FinishedAt = state.IsFinished() ? now : null };
        await store.ApplyAsync(lease, new RunChange
        {
            State = RunState.AwaitingApproval,
            StartedAt = now,
            Steps =
            [
                Step("lint", StepState.Succeeded, HostileOutput),
                Step("fix", StepState.Failed, reason: HostileReason, task: fixTask),
                Step("docs", StepState.Skipped, reason: "the condition was false"),
                Step("test", StepState.AwaitingApproval) with { StartedAt = null },
            ],
            Events =
            [
                (EventTypes.RunStarted, NightshiftJson.Payload(new RunStartedPayload(Pipeline, Repo, run.Branch, "api", run.Inputs))),
                (EventTypes.StepStarted, NightshiftJson.Payload(new StepStartedPayload("lint", "command", null))),
                (EventTypes.StepSucceeded, NightshiftJson.Payload(new StepFinishedPayload("lint"))),
                (EventTypes.StepStarted, NightshiftJson.Payload(new StepStartedPayload("fix", "agent", fixTask))),
                (EventTypes.StepFailed, NightshiftJson.Payload(new StepFinishedPayload("fix", fixTask, Reason: HostileReason, Continued: true))),
                (EventTypes.StepSkipped, NightshiftJson.Payload(new StepSkippedPayload("docs", "the condition was false"))),
                (EventTypes.StepAwaitingApproval, NightshiftJson.Payload(new StepAwaitingApprovalPayload("test"))),
            ],
        });
        await store.ReleaseRunAsync(lease, now.AddHours(1));
        return run;
    }

    private static async Task<IPage> SignedInPageAsync(IBrowserContext context, DashboardServer server)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(Nightshift.Server.Auth.SignInLink.WithToken(server.Url, server.Token));
        await page.WaitForURLAsync(server.Url + "/");
        return page;
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string what)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        if (overflow > 0)
        {
            // Name the widest elements reaching past the window, so the failure says what to fix.
            var culprits = await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                + ".slice(-5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')");
            overflow.ShouldBeLessThanOrEqualTo(0, $"{what} scrolls sideways by {overflow} px: {culprits}");
        }
    }
}

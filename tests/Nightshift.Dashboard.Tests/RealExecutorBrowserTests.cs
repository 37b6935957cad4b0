using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Playwright;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Loop;
using Nightshift.Core.Tasks;
using Nightshift.Core.Usage;
using Nightshift.Dashboard.Tests.Support;
using Nightshift.Models.Fallback;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Dashboard.Tests;

/// <summary>
/// The task page in Debian's Chromium rendering what the real executor emits (not a stand-in's imitation of it): a
/// planned task run by <c>AgentTaskExecutor</c> with a scripted model on a real repository, in real worktrees and the
/// real sandbox, verified by the repository's own tests and published to the local forge.
/// </summary>
public sealed partial class RealExecutorBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string BuggyCalc = "export function add(a, b) {\n  return a - b;\n}\n";
    private const string FixedCalc = "export function add(a, b) {\n  return a + b;\n}\n";
    private const string CalcTest = "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './calc.mjs';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n";

    [Fact]
    public async Task TaskPage_TaskRunByTheRealExecutor_RendersItsPlanSubtasksVerificationAndPullRequest()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("calculator with a bug", ("calc.mjs", BuggyCalc), ("calc.test.mjs", CalcTest), (".nightshift.yml", "test: node --test\nnetwork: off\n"));
        var model = new ScriptedChatClient { Responder = Respond };
        await using var server = await DashboardServer.StartWithAgentAsync(new ScriptedModels(model), repo.Root, """{"Agent":{"Planning":"always"}}""");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)TestDefaults.Timeout.TotalMilliseconds);
        await page.GotoAsync(Nightshift.Server.Auth.SignInLink.WithToken(server.Url, server.Token));
        await page.WaitForURLAsync(server.Url + "/");

        var id = await server.SubmitAsync("Fix add() so that the tests pass, and write down what changed", repo: repo.RemotePath);
        await page.GotoAsync($"{server.Url}/tasks/{id}");

        // The page follows the task live; the whole run (worktrees, sandboxed tests, merges) takes seconds, not Playwright's default 5.
        await Assertions.Expect(page.Locator("#task-status")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = (float)TestDefaults.Timeout.TotalMilliseconds });
        var nodes = page.Locator("#plan-dag [data-subtask]");
        await Assertions.Expect(nodes).ToHaveCountAsync(2);
        foreach (var subtask in new[] { "fix-add", "add-notes" })
        {
            var node = page.Locator($"#plan-dag [data-subtask='{subtask}']");
            await Assertions.Expect(node).ToHaveAttributeAsync("data-state", "done");
            // Each subtask's build wrote a file and finished: two scripted calls of 15 tokens, priced as gpt-4.1.
            await Assertions.Expect(node.Locator(".node-usage")).ToHaveAttributeAsync("data-tokens", "30");
            await Assertions.Expect(node.Locator(".node-usage")).ToHaveTextAsync(new Regex(@"^30 tokens · (\$0\.\d{2,4}|< \$0\.0001)$"));
        }
        await Assertions.Expect(page.Locator("li.ev[data-type='subtask.completed']")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("li.ev[data-type='commit.created']").First).ToContainTextAsync(new Regex(@"[0-9a-f]{12} on \S+ for fix-add"));
        await Assertions.Expect(page.Locator("li.ev[data-type='verify.baseline']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("li.ev[data-type='verify.passed']")).ToHaveCountAsync(1);
        // The base still has the bug: its one test fails there, and the box says so once.
        await Assertions.Expect(page.Locator("#verify-baseline")).ToContainTextAsync("1 test already failing");
        await Assertions.Expect(page.Locator("#verify-baseline li")).ToHaveTextAsync("adds");
        await Assertions.Expect(page.Locator("#verification li.round")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#verification li.round")).ToContainTextAsync("Round 1: passed");
        await Assertions.Expect(page.Locator("#verification li.round")).ToContainTextAsync("ran node --test");
        await Assertions.Expect(page.Locator("li.ev[data-type='pr.opened']")).ToContainTextAsync("Fix add()");
        await Assertions.Expect(page.Locator("#task-pr #diff-link")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#task-branch")).ToContainTextAsync("nightshift/");
        repo.RemoteGit("show", $"{(await server.Store.FindAsync(id))!.Branch}:calc.mjs").ShouldBe(FixedCalc);
        await BrowserFixture.ScreenshotAsync(page, "task-real-executor-1280-light");
    }

    /// <summary>
    /// The plan agent submits two subtasks; the build agent writes the file its subtask names, then finishes; a
    /// verification feedback round (none is expected) would finish at once.
    /// </summary>
    private static ChatResponse Respond(ScriptedChatCall call)
    {
        if (call.Messages[0].Text.Contains("Nightshift's plan agent", StringComparison.Ordinal))
        {
            return ScriptedChatClient.ToolCalls(("submit_plan", new
            {
                subtasks = new object[]
                {
                    new { id = "fix-add", title = "Fix add", description = "add() subtracts; make it add.", depends_on = Array.Empty<string>(), files = new[] { "calc.mjs" }, acceptance = new[] { "the tests pass" } },
                    new { id = "add-notes", title = "Write notes", description = "Say what changed in NOTES.md.", depends_on = new[] { "fix-add" }, files = new[] { "NOTES.md" }, acceptance = new[] { "NOTES.md exists" } },
                },
            }, $"plan_{call.Number}"));
        }
        if (call.LastMessage.Role == ChatRole.Tool || call.Messages.Count > 2)
        {
            return ScriptedChatClient.ToolCalls(("finish", new { summary = "Done" }, $"fin_{call.Number}"));
        }
        var subtask = SubtaskPattern().Match(call.Messages[1].Text) is { Success: true } m ? m.Groups[1].Value : "task";
        var (path, content) = subtask == "fix-add" ? ("calc.mjs", FixedCalc) : ("NOTES.md", "add() adds now.\n");
        return ScriptedChatClient.ToolCalls(("write_file", new { path, content }, $"write_{call.Number}"));
    }

    [GeneratedRegex("Your subtask now is '([a-z0-9-]+)'")]
    private static partial Regex SubtaskPattern();

    private sealed class ScriptedModels(IChatClient model) : IAgentModels
    {
        public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback) => new(new NonDisposing(model), new Meter());
    }

    private sealed class Meter : IUsageMeter
    {
        private static readonly ModelSpec Spec = ModelSpec.Parse("openai/gpt-4.1");

        public UsageRecord Measure(ChatResponse response) => UsageMeter.Default.Measure(response, Spec);
    }

    private sealed class NonDisposing(IChatClient inner) : DelegatingChatClient(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}

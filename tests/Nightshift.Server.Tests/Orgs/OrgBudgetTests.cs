using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightshift.Core.Events;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Tasks;
using Nightshift.Server.Orgs;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;

namespace Nightshift.Server.Tests.Orgs;

/// <summary>
/// Organisation budgets on the real server and worker: the real agent, a priced scripted model behind the real model
/// pipeline, real git and the real sandbox. Every model call costs $0.40 (400,000 input tokens at $1 per million).
/// </summary>
public sealed class OrgBudgetTests
{
    private const int TokensPerCall = 400_000;

    [Fact]
    public async Task Worker_TaskReachesItsOrgsPerTaskLimit_TheNextModelCallIsNotMade_AndTaskFailedCarriesTheFigures()
    {
        await using var setup = await BudgetSetup.StartAsync();
        await setup.CreateOrgAsync("acme", new { maxCostPerTaskUsd = 1.00 });

        var id = await setup.SubmitAsync("acme");
        var failed = await setup.WaitForFailureAsync(id);

        setup.Model.RequestCount.ShouldBe(3);
        failed.GetProperty("reason").GetString().ShouldBe("budget_exhausted");
        failed.GetProperty("error").GetString()!.ShouldStartWith("the organisation's budget of $1.00 per task is used up ($1.20 spent by this task)");
        var budget = failed.GetProperty("budget");
        budget.GetProperty("kind").GetString().ShouldBe("task");
        budget.GetProperty("limitUsd").GetDecimal().ShouldBe(1.00m);
        budget.GetProperty("spentUsd").GetDecimal().ShouldBe(1.20m);
        failed.GetProperty("attempt").GetInt32().ShouldBe(1);
        var task = await setup.Server.Store.FindAsync(id);
        task.ShouldNotBeNull().Status.ShouldBe(TaskState.Failed);
        task.Attempts.ShouldBe(1);
        // What `show`, the live view and the dashboard print: the words, not the code.
        task.LastError.ShouldNotBeNull().ShouldStartWith("the organisation's budget of $1.00 per task is used up");
    }

    [Fact]
    public async Task Worker_DayBudget_IsSharedByTheOrgsTasks_ButNotByAnotherOrg()
    {
        await using var setup = await BudgetSetup.StartAsync();
        await setup.CreateOrgAsync("acme", new { maxCostPerDayUsd = 1.00 });
        await setup.CreateOrgAsync("globex", new { maxCostPerDayUsd = 2.00 });

        var first = await setup.SubmitAsync("acme");
        var firstFailed = await setup.WaitForFailureAsync(first);
        var afterFirst = setup.Model.RequestCount;
        var second = await setup.SubmitAsync("acme");
        var secondFailed = await setup.WaitForFailureAsync(second);
        var afterSecond = setup.Model.RequestCount;
        var other = await setup.SubmitAsync("globex");
        var otherFailed = await setup.WaitForFailureAsync(other);

        afterFirst.ShouldBe(3);
        firstFailed.GetProperty("budget").GetProperty("kind").GetString().ShouldBe("day");
        firstFailed.GetProperty("error").GetString()!.ShouldStartWith("the organisation's daily budget of $1.00 is used up ($1.20 spent today)");
        afterSecond.ShouldBe(3, "the second task of the organisation made no model call: the day's budget was spent by the first");
        secondFailed.GetProperty("budget").GetProperty("spentUsd").GetDecimal().ShouldBe(1.20m);
        // Had acme's $1.20 counted against globex, it would have stopped after two calls.
        (setup.Model.RequestCount - afterSecond).ShouldBe(5);
        otherFailed.GetProperty("budget").GetProperty("spentUsd").GetDecimal().ShouldBe(2.00m);
    }

    private sealed class BudgetSetup : IAsyncDisposable
    {
        private readonly TempGitRepo _repo;
        private readonly TempDirectory _data;

        private BudgetSetup(ScriptedModelServer model, TempGitRepo repo, TempDirectory data, RunningServer server)
        {
            Model = model;
            _repo = repo;
            _data = data;
            Server = server;
        }

        public ScriptedModelServer Model { get; }

        public RunningServer Server { get; }

        public static async Task<BudgetSetup> StartAsync()
        {
            var model = await ScriptedModelServer.StartAsync();
            // The agent keeps working until something stops it: only the budget can.
            model.Fallback = ScriptedReply.ToolCall("list_files", new { }).WithUsage(TokensPerCall, 0);
            var repo = TempGitRepo.Create();
            repo.Commit("start", ("README.md", "# app\n"), (".nightshift.yml", "test: test -f README.md\nnetwork: off\n"));
            var data = new TempDirectory();
            await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), JsonSerializer.Serialize(new
            {
                Models = new
                {
                    Model = "openai-compatible/budget-model",
                    OpenAICompatibleBaseUrl = model.OpenAIBaseUri.ToString(),
                    OpenAICompatibleApiKey = "sk-test-budget-0123456789",
                    Prices = new Dictionary<string, object> { ["budget-model"] = new { InputPerMillion = 1.0, CachedInputPerMillion = 1.0, OutputPerMillion = 1.0 } },
                },
                Agent = new { Planning = "Never" },
                Repositories = new { AllowedRoots = new[] { repo.Root } },
            }));
            // Spend read fresh before every call, so the count of calls is exact (the 2 s cache would let a fast agent make one more).
            var server = await RunningServer.StartAsync(
                o => { o.RunWorker = true; o.WorkerSlots = 1; },
                services => services.AddSingleton(new OrgBudgetCache(TimeSpan.Zero)),
                dataDirectory: data.Path);
            return new BudgetSetup(model, repo, data, server);
        }

        public async Task CreateOrgAsync(string id, object quotas)
        {
            using var response = await Server.Client.PostAsJsonAsync("/api/v1/orgs", new { id, name = id, quotas });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        public async Task<string> SubmitAsync(string orgId)
        {
            var submitted = await Server.Store.SubmitAsync(new NewTask
            {
                Repo = _repo.RemotePath,
                Instruction = "List the files, again and again",
                Source = "api",
                OrgId = orgId,
                MaxAttempts = 3,
            }.Validated());
            return submitted.Task.Id;
        }

        /// <summary>The <c>task.failed</c> data once the task has ended, which must be as failed.</summary>
        public async Task<JsonElement> WaitForFailureAsync(string id)
        {
            await TestDefaults.WaitUntilAsync(
                async () => (await Server.Store.FindAsync(id))?.Status.IsTerminal() == true,
                $"task {id} ended", TimeSpan.FromMinutes(3));
            var events = await Server.Store.ReadEventsAsync(id, 0);
            var end = events.Last(e => e.Type is EventTypes.TaskSucceeded or EventTypes.TaskFailed or EventTypes.TaskCancelled
                or EventTypes.TaskTimedOut or EventTypes.TaskNeedsReview or EventTypes.TaskDead);
            end.Type.ShouldBe(EventTypes.TaskFailed, end.Data);
            return JsonDocument.Parse(end.Data).RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Model.DisposeAsync();
            _repo.Dispose();
            _data.Dispose();
        }
    }
}

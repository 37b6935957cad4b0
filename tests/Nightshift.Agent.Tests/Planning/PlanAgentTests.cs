using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Planning;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Agent.Tools;
using Nightshift.TestKit.Models;

namespace Nightshift.Agent.Tests.Planning;

public sealed class PlanAgentTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly RecordingObserver _observer = new();
    private readonly List<string> _partials = [];

    [Fact]
    public async Task PlanAsync_ReadsThenSubmits_ReturnsThePlanAnnouncingEachSubtaskFirst()
    {
        _tree.Write("src/app.js", "export const x = 1;\n");
        var model = new ScriptedChatClient()
            .ThenToolCall("read_file", new { path = "src/app.js" })
            .ThenToolCall("submit_plan", Plan("a", "b"));

        var result = await Agent(model).PlanAsync("Task: two steps");

        result.Plan.ShouldNotBeNull().Subtasks.Select(s => s.Id).ShouldBe(["a", "b"]);
        result.FailureReason.ShouldBeNull();
        result.Submissions.ShouldBe(1);
        result.Steps.ShouldBe(2);
        _partials.ShouldBe(["1:0:a", "1:1:b"]);
        model.Calls.ShouldAllBe(c => c.Streaming);
        model.Calls[1].ToolResults.Single().Result!.ToString()!.ShouldContain("export const x = 1;");
        _observer.Log.ShouldContain("tool.result submit_plan error=False");
    }

    [Fact]
    public async Task PlanAsync_OffersOnlyReadToolsAndSubmitPlan()
    {
        var model = new ScriptedChatClient().ThenToolCall("submit_plan", Plan("a"));

        await Agent(model).PlanAsync("Task");

        model.Calls[0].Options!.Tools!.Select(t => t.Name).Order().ShouldBe(["list_files", "read_file", "search", "submit_plan"]);
    }

    [Fact]
    public async Task PlanAsync_ModelTriesToWriteAFile_IsRefusedAndNothingIsWritten()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("write_file", new { path = "evil.txt", content = "x" })
            .ThenToolCall("run", new { command = "touch evil2.txt" })
            .ThenToolCall("submit_plan", Plan("a"));

        var result = await Agent(model).PlanAsync("Task");

        result.Plan.ShouldNotBeNull();
        File.Exists(Path.Combine(_tree.Root, "evil.txt")).ShouldBeFalse();
        _observer.Results.Where(r => r.Tool is "write_file" or "run").ShouldAllBe(r => r.IsError && r.Content.Contains("can only read"));
    }

    [Fact]
    public async Task PlanAsync_InvalidThenValid_ShowsTheErrorReportAndAcceptsTheSecond()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("submit_plan", new { subtasks = new object[] { new { id = "a", title = "", description = "d" } } })
            .ThenToolCall("submit_plan", Plan("a"));

        var result = await Agent(model).PlanAsync("Task");

        result.Plan.ShouldNotBeNull();
        result.Submissions.ShouldBe(2);
        var report = model.Calls[1].ToolResults.Single().Result!.ToString()!;
        report.ShouldContain("subtasks[0] ('a').title: is missing or empty");
        report.ShouldContain("2 more submissions allowed");
    }

    [Fact]
    public async Task PlanAsync_InvalidEveryTime_GivesUpAfterTheAllowedSubmissionsWithTheLastErrors()
    {
        var model = new ScriptedChatClient { Responder = _ => ScriptedChatClient.ToolCalls(("submit_plan", new { steps = new[] { "x" } }, "p")) };

        var result = await Agent(model, maxSubmissions: 3).PlanAsync("Task");

        result.Plan.ShouldBeNull();
        result.Submissions.ShouldBe(3);
        model.Calls.Count.ShouldBe(3);
        result.FailureReason.ShouldNotBeNull().ShouldContain("refused 3 times");
        result.FailureReason.ShouldContain("'steps' is not a field of a plan");
    }

    [Fact]
    public async Task PlanAsync_OversizedHostileAndEmptySubmissions_AreEachRefusedWithAReason()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("submit_plan", new { subtasks = new object[] { new { id = "a", title = "t", description = new string('d', 250_000) } } })
            .ThenToolCall("submit_plan", new { subtasks = new object[] { new { id = "a", title = "ok\u202Eevil", description = "d\0" } } })
            .ThenToolCall("submit_plan", new { });

        var result = await Agent(model, maxSubmissions: 3).PlanAsync("Task");

        result.Plan.ShouldBeNull();
        _partials.ShouldBe(["1:0:a", "2:0:a"]);
        var refusals = _observer.Results.Where(r => r.Tool == "submit_plan").ToList();
        refusals.ShouldAllBe(r => r.IsError);
        refusals[0].Content.ShouldContain("characters long");
        refusals[1].Content.ShouldContain("direction-override");
        refusals[2].Content.ShouldContain("subtasks: is missing");
        refusals[2].Content.ShouldContain("No submissions left");
    }

    [Fact]
    public async Task PlanAsync_ModelOnlyTalks_StopsAfterANudgeWithoutAPlan()
    {
        var model = new ScriptedChatClient { Responder = _ => ScriptedChatClient.Text("I think we should refactor everything.") };

        var result = await Agent(model).PlanAsync("Task");

        result.Plan.ShouldBeNull();
        model.Calls.Count.ShouldBe(2);
        model.Calls[1].LastMessage.Text.ShouldContain("call submit_plan");
        result.FailureReason.ShouldNotBeNull().ShouldContain("stopped without calling submit_plan");
    }

    [Fact]
    public async Task PlanAsync_ModelOnlyReads_StopsAtItsStepLimit()
    {
        var model = new ScriptedChatClient { Responder = c => ScriptedChatClient.ToolCalls(("list_files", new { }, $"l{c.Number}")) };

        var result = await Agent(model, maxSteps: 4).PlanAsync("Task");

        result.Plan.ShouldBeNull();
        model.Calls.Count.ShouldBe(4);
        result.FailureReason.ShouldNotBeNull().ShouldContain("4 model calls");
    }

    [Fact]
    public async Task PlanAsync_TaskBudgetAlreadySpent_StopsBeforeCallingTheModel()
    {
        var model = new ScriptedChatClient();
        var budget = new BudgetTracker(new AgentBudget { MaxSteps = 0 }, TimeProvider.System);

        var result = await Agent(model, budget: budget).PlanAsync("Task");

        result.Plan.ShouldBeNull();
        model.Calls.ShouldBeEmpty();
        result.FailureReason.ShouldNotBeNull().ShouldContain("step budget");
    }

    [Fact]
    public async Task PlanAsync_UnknownToolAndSubmitInOneTurn_RunsBothAndAcceptsThePlan()
    {
        var model = new ScriptedChatClient().ThenToolCalls(("delete_repo", new { }), ("submit_plan", Plan("a")), ("read_file", new { path = "x" }));

        var result = await Agent(model).PlanAsync("Task");

        result.Plan.ShouldNotBeNull();
        _observer.Results.First().Content.ShouldContain("cannot use 'delete_repo'");
        _observer.Log.ShouldNotContain("tool.call read_file");
    }

    [Fact]
    public async Task AskForAcyclicPlanAsync_ModelAnswers_ContinuesTheConversationNamingTheCycle()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("submit_plan", Plan("a"))
            .ThenToolCall("submit_plan", Plan("a", "b"));
        var agent = Agent(model);
        await agent.PlanAsync("Task");

        var plan = await agent.AskForAcyclicPlanAsync(["a → b → a"]);

        plan.ShouldNotBeNull().Subtasks.Count.ShouldBe(2);
        model.Calls[1].LastMessage.Text.ShouldContain("a → b → a");
        model.Calls[1].Messages.Count.ShouldBe(5);
    }

    [Fact]
    public async Task AskForAcyclicPlanAsync_InvalidAnswer_IsNullAfterOneSubmission()
    {
        var model = new ScriptedChatClient()
            .ThenToolCall("submit_plan", Plan("a"))
            .ThenToolCall("submit_plan", new { subtasks = 5 });
        var agent = Agent(model);
        await agent.PlanAsync("Task");

        var plan = await agent.AskForAcyclicPlanAsync(["a → b → a"]);

        plan.ShouldBeNull();
        model.Calls.Count.ShouldBe(2);
    }

    public void Dispose() => _tree.Dispose();

    private PlanAgent Agent(IChatClient model, int maxSteps = 10, int maxSubmissions = 3, BudgetTracker? budget = null)
    {
        var none = new NoCommands();
        return new PlanAgent(
            model,
            new ToolContext(new Worktree(_tree.Root), none, none),
            _observer,
            new FlatPriceMeter(0.01m),
            budget ?? new BudgetTracker(new AgentBudget(), TimeProvider.System),
            TimeProvider.System,
            maxSteps,
            maxSubmissions,
            (submission, index, subtask, _) =>
            {
                _partials.Add($"{submission}:{index}:{subtask["id"]?.GetValue<string>()}");
                return Task.CompletedTask;
            });
    }

    private static object Plan(params string[] ids) => new
    {
        subtasks = ids.Select((id, i) => new { id, title = $"Step {id}", description = $"Do {id}.", depends_on = i == 0 ? Array.Empty<string>() : [ids[i - 1]] }).ToArray(),
    };
}

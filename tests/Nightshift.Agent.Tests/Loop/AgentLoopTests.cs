using Microsoft.Extensions.AI;
using Nightshift.Agent.Loop;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Agent.Tools;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Loop;

public sealed class AgentLoopTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly RecordingObserver _observer = new();

    private (AgentLoop Loop, BudgetTracker Budget) Create(IChatClient model, AgentBudget? budget = null, decimal usdPerThousand = 0.001m)
    {
        var none = new NoCommands();
        var context = new ToolContext(new Worktree(_tree.Root), none, none);
        var tracker = new BudgetTracker(budget ?? new AgentBudget(), TimeProvider.System);
        var loop = new AgentLoop(model, ToolBox.BuildTools(), context, _observer, new FlatPriceMeter(usdPerThousand), tracker, TimeProvider.System);
        return (loop, tracker);
    }

    private static List<ChatMessage> Conversation() =>
        [new(ChatRole.System, "You are a careful engineer."), new(ChatRole.User, "Fix add() in calc.js")];

    [Fact]
    public async Task RunAsync_EditThenFinish_ChangesTheFileAndReturnsTheSummary()
    {
        _tree.Write("calc.js", "export const add = (a, b) => a - b;\n");
        var model = new ScriptedModel(
            _ => ScriptedModel.Call("read_file", new { path = "calc.js" }),
            _ => ScriptedModel.Call("edit_file", new { path = "calc.js", old_string = "a - b", new_string = "a + b" }),
            _ => ScriptedModel.Call("finish", new { summary = "Fix add\n\nadd subtracted instead of adding." }));
        var (loop, budget) = Create(model);

        var result = await loop.RunAsync(Conversation(), pinned: 2, TestDefaults.TimeoutToken());

        result.ShouldBe(new AgentLoopResult(true, "Fix add\n\nadd subtracted instead of adding.", null, 3) { OutOfScope = result.OutOfScope });
        result.OutOfScope.ShouldBeEmpty();
        result.Answer.ShouldBeNull();
        _tree.Read("calc.js").ShouldBe("export const add = (a, b) => a + b;\n");
        budget.Usage.InputTokens.ShouldBe(3_000);
        _observer.Log.ShouldContain("tool.result edit_file error=False");
    }

    [Fact]
    public async Task RunAsync_DeniedAndMalformedCalls_GoBackToTheModelAndTheTaskGoesOn()
    {
        string? deniedText = null, malformedText = null, unknownText = null;
        var model = new ScriptedModel(
            _ => ScriptedModel.Calls(
                ("read_file", new { path = "../../etc/passwd" }, "c1"),
                ("read_file", new { path = 7 }, "c2"),
                ("rm_rf", new { }, "c3")),
            seen =>
            {
                deniedText = ScriptedModel.ResultOf(seen, "c1");
                malformedText = ScriptedModel.ResultOf(seen, "c2");
                unknownText = ScriptedModel.ResultOf(seen, "c3");
                return ScriptedModel.Call("finish", new { summary = "gave up politely" });
            });
        var (loop, _) = Create(model);

        var result = await loop.RunAsync(Conversation(), 2, TestDefaults.TimeoutToken());

        result.Finished.ShouldBeTrue();
        deniedText.ShouldNotBeNull().ShouldContain("'..' is not allowed");
        malformedText.ShouldNotBeNull().ShouldContain("'path' must be a string");
        unknownText.ShouldNotBeNull().ShouldContain("there is no tool named 'rm_rf'");
        _observer.Results.Count(r => r.IsError).ShouldBe(3);
    }

    [Fact]
    public async Task RunAsync_ArgumentsThatWereNotJson_AreReportedToTheModel()
    {
        string? seenError = null;
        var broken = new FunctionCallContent("bad1", "read_file") { Exception = new System.Text.Json.JsonException("unexpected end of data") };
        var model = new ScriptedModel(
            _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, [broken])),
            seen =>
            {
                seenError = ScriptedModel.ResultOf(seen, "bad1");
                return ScriptedModel.Call("finish", new { summary = "done" });
            });
        var (loop, _) = Create(model);

        await loop.RunAsync(Conversation(), 2, TestDefaults.TimeoutToken());

        seenError.ShouldNotBeNull().ShouldContain("not valid JSON");
    }

    [Fact]
    public async Task RunAsync_ModelThatLoops_IsStoppedByTheStepBudget()
    {
        _tree.Write("a.txt", "x\n");
        var model = new ScriptedModel(_ => ScriptedModel.Call("read_file", new { path = "a.txt" }));
        var (loop, budget) = Create(model, new AgentBudget { MaxSteps = 5 });

        var result = await loop.RunAsync(Conversation(), 2, TestDefaults.TimeoutToken());

        result.Finished.ShouldBeFalse();
        result.StopReason.ShouldBe("the step budget of 5 model calls was used up");
        model.Requests.Count.ShouldBe(5);
        budget.Steps.ShouldBe(5);
    }

    [Fact]
    public async Task RunAsync_ExpensiveModel_IsStoppedByTheCostBudget()
    {
        _tree.Write("a.txt", "x\n");
        var model = new ScriptedModel(_ => ScriptedModel.Call("read_file", new { path = "a.txt" }));
        // 1,050 tokens a call at $1 per thousand: the third call passes $3.
        var (loop, _) = Create(model, new AgentBudget { MaxCostUsd = 3m }, usdPerThousand: 1m);

        var result = await loop.RunAsync(Conversation(), 2, TestDefaults.TimeoutToken());

        result.StopReason.ShouldNotBeNull().ShouldStartWith("the cost budget of $3.00 was used up");
        model.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task RunAsync_TokenBudget_StopsTheWork()
    {
        var model = new ScriptedModel(_ => ScriptedModel.Call("list_files", new { }));
        var (loop, _) = Create(model, new AgentBudget { MaxTokens = 2_000 });

        var result = await loop.RunAsync(Conversation(), 2, TestDefaults.TimeoutToken());

        result.StopReason.ShouldNotBeNull().ShouldStartWith("the token budget of 2,000 tokens was used up");
        model.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task RunAsync_ModelThatOnlyTalks_IsNudgedThenTakenAtItsWord()
    {
        var model = new ScriptedModel(_ => ScriptedModel.Text("I think it is fine."));
        var (loop, _) = Create(model);

        var result = await loop.RunAsync(Conversation(), 2, TestDefaults.TimeoutToken());

        result.ShouldBe(new AgentLoopResult(true, "I think it is fine.", null, 3));
        model.Requests[1].Last().Text.ShouldContain("call `finish`");
    }

    [Fact]
    public async Task RunAsync_LongConversation_IsCompactedButKeepsSystemPromptAndTask()
    {
        _tree.Write("big.txt", string.Join('\n', Enumerable.Range(0, 300).Select(i => new string('x', 70))) + "\n");
        var turn = 0;
        var model = new ScriptedModel(_ => ++turn < 12
            ? ScriptedModel.Call("read_file", new { path = "big.txt" })
            : ScriptedModel.Call("finish", new { summary = "read a lot" }));
        var (loop, _) = Create(model, new AgentBudget { ContextTokens = 12_000 });

        var result = await loop.RunAsync(Conversation(), 2, TestDefaults.TimeoutToken());

        result.Finished.ShouldBeTrue();
        _observer.Log.ShouldContain(l => l.StartsWith("context.compacted", StringComparison.Ordinal));
        var last = model.Requests[^1];
        last[0].Text.ShouldBe("You are a careful engineer.");
        last[1].Text.ShouldBe("Fix add() in calc.js");
        last[2].Text.ShouldStartWith("Earlier steps of this task were compacted");
        last[2].Text.ShouldContain("read_file(path=big.txt)");
        ContextCompactor.EstimateTokens(last).ShouldBeLessThan(14_000);
        // Every tool result still follows the assistant turn that asked for it.
        for (var i = 3; i < last.Count; i++)
        {
            if (last[i].Role == ChatRole.Tool)
            {
                last[i - 1].Role.ShouldBe(ChatRole.Assistant);
            }
        }
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsAtOnce()
    {
        var model = new ScriptedModel(_ => ScriptedModel.Call("list_files", new { }));
        var (loop, _) = Create(model);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => loop.RunAsync(Conversation(), 2, cancelled.Token));
    }

    public void Dispose() => _tree.Dispose();
}

using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Catalogue;

namespace Nightshift.Core.Tests.Events;

public sealed class EventSummaryTests
{
    // One payload per catalogue type, shaped as the executor and the store write them.
    private static readonly Dictionary<string, string> Samples = new(StringComparer.Ordinal)
    {
        ["task.queued"] = """{"repo":"https://example.test/acme/app","title":"Fix the login","priority":0,"source":"cli"}""",
        ["task.started"] = """{"attempt":2,"worker":"w-1"}""",
        ["task.phase"] = """{"phase":"building"}""",
        ["task.cancel_requested"] = """{"reason":"wrong repo"}""",
        ["task.released"] = """{"attempt":1,"reason":"worker shutting down"}""",
        ["task.retrying"] = """{"reason":"the model timed out","attempt":1,"runAfter":"2026-11-22T10:00:30Z"}""",
        ["task.succeeded"] = """{"verification":"3 tests pass","branch":"nightshift/t1","pullRequest":"local:t1","attempt":1}""",
        ["task.failed"] = """{"reason":"verification kept failing","attempt":1}""",
        ["task.cancelled"] = """{"reason":"cancelled by a person"}""",
        ["task.timed_out"] = """{"phase":"building","deadlineSeconds":3600,"reason":"ran past Worker:TaskDeadline"}""",
        ["task.needs_review"] = """{"verification":"2 of 3 tests pass","pullRequest":"local:t1"}""",
        ["task.dead"] = """{"reason":"gave up after 3 of 3 attempts","attempt":3,"attempts":[]}""",
        ["task.checkpoint"] = """{"bytes":2048}""",
        ["task.message"] = """{"author":"ana","source":"cli","text":"use the v2 API"}""",
        ["task.question"] = """{"question":"Which database?","timesOutAt":"2026-11-22T11:00:00Z","defaultAnswer":"use your judgement"}""",
        ["task.answered"] = """{"author":"ana","source":"cli","answer":"PostgreSQL","timedOut":false}""",
        ["workspace.ready"] = """{"branch":"nightshift/t1","baseBranch":"main","baseCommit":"0123456789abcdef0123","resumed":false}""",
        ["setup.cache_hit"] = """{"key":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","entryBytes":52428800,"files":3000,"restoreMs":420,"savedMs":41000}""",
        ["setup.cache_miss"] = """{"key":null,"reason":"no lock file was found at the repository's root","setupMs":41000,"stored":false,"notStored":null}""",
        ["plan.partial"] = """{"submission":1,"index":0,"subtask":{"id":"s1","title":"Add the model"}}""",
        ["plan.ready"] = """{"mode":"planned","subtasks":[{},{},{}],"edges":[],"waves":[["s1","s2"],["s3"]],"approved":false}""",
        ["plan.awaiting_approval"] = """{"attempt":1}""",
        ["plan.approved"] = """{"planReplaced":true}""",
        ["plan.rejected"] = """{"reason":"too broad"}""",
        ["plan.skipped"] = """{"planning":"auto","reason":"the instruction is short"}""",
        ["plan.fallback"] = """{"reason":"the plan had no subtasks","submissions":2}""",
        ["plan.cycle_recovery"] = """{"rung":"run_linearly","succeeded":true,"message":"ran the subtasks in order","cycles":["a → b → a"],"droppedEdges":[]}""",
        ["subtask.started"] = """{"id":"s2","title":"Wire the endpoint","index":1,"total":3,"dependsOn":["s1"],"worktree":"task"}""",
        ["subtask.completed"] = """{"id":"s2","commit":"abc","summary":"added the endpoint","steps":4,"reason":null}""",
        ["subtask.failed"] = """{"id":"s2","commit":null,"summary":null,"steps":9,"reason":"step budget spent"}""",
        ["subtask.skipped"] = """{"id":"s3","commit":null,"reason":"s2 failed"}""",
        ["subtask.merged"] = """{"id":"s2","commit":"abc","subtaskCommit":"def","conflictResolved":true}""",
        ["subtask.conflicted"] = """{"id":"s2","paths":["a.cs","b.cs"],"headCommit":"abc","subtaskCommit":"def","mergedSubtasks":[]}""",
        ["model.request"] = """{"role":"build","step":3,"messages":12,"estimatedTokens":4500}""",
        ["model.response"] = """{"role":"build","step":3,"provider":"openai","model":"gpt-test","inputTokens":1200,"outputTokens":300,"cachedTokens":0,"costUsd":0.0125,"costKnown":true,"toolCalls":1,"durationMs":900,"text":null}""",
        ["model.fallback"] = """{"from":"openai/a","to":"openai/b","kind":"RateLimited","reason":"429 from the provider"}""",
        ["tool.call"] = """{"callId":"c1","tool":"read_file","arguments":"{\"path\":\"README.md\"}"}""",
        ["tool.result"] = """{"callId":"c1","tool":"read_file","isError":false,"durationMs":3,"content":"# Title\nmore"}""",
        ["command.output"] = """{"purpose":"verify","command":"dotnet test","lines":["Building…","Passed! 3 tests"]}""",
        ["context.compacted"] = """{"removedMessages":20,"estimatedTokensBefore":90000,"estimatedTokensAfter":30000}""",
        ["verify.started"] = """{"baseline":false,"round":2,"commands":["dotnet test"]}""",
        ["verify.baseline"] = """{"passed":false,"failingTests":["A.B","C.D"]}""",
        ["verify.passed"] = """{"round":1,"summary":"all 12 tests pass","newFailures":[],"preExistingFailures":[],"outOfScope":[],"skipped":false}""",
        ["verify.failed"] = """{"round":1,"summary":"2 tests fail","newFailures":["LoginTests.Works"],"preExistingFailures":[],"outOfScope":[],"skipped":false}""",
        ["verify.debug_mode"] = """{"round":3,"signature":"x","failure":"the same assertion fails","failedRounds":2}""",
        ["network.allowed"] = """{"phase":"setup","command":"npm ci","host":"registry.example.test","port":443,"method":"CONNECT","address":"192.0.2.1","reason":"allowed host"}""",
        ["network.denied"] = """{"phase":"verify","command":"curl","host":"10.0.0.1","port":80,"method":"GET","address":"10.0.0.1","reason":"a private address"}""",
        ["network.capped"] = """{"phases":["agent"],"message":"the agent phase runs without network"}""",
        ["limits.capped"] = """{"limits":[{"limit":"command.memory","asked":8589934592,"allowed":4294967296}],"message":"command.memory runs at 4 GiB"}""",
        ["commit.created"] = """{"commit":"0123456789abcdef0123","branch":"nightshift/t1","files":["a.cs"]}""",
        ["branch.pushed"] = """{"branch":"nightshift/t1","remote":"origin"}""",
        ["pr.opened"] = """{"forge":"local","reference":"local:t1","title":"Fix the login","draft":true}""",
        ["run.started"] = """{"pipeline":"nightly","repo":"https://example.test/acme/app","branch":"nightshift/run-1a2b3c4d","trigger":"schedule","inputs":{}}""",
        ["run.succeeded"] = """{"pullRequest":"local:r1","succeeded":3,"failed":0,"skipped":1}""",
        ["run.needs_review"] = """{"reason":"step fix failed and the run went on","succeeded":2,"failed":1,"skipped":0}""",
        ["run.failed"] = """{"reason":"step lint failed","succeeded":0,"failed":1,"skipped":3}""",
        ["run.cancelled"] = """{"reason":"cancelled by admin","succeeded":1,"failed":0,"skipped":2}""",
        ["step.started"] = """{"step":"lint","kind":"command","taskId":"0123456789abcdef"}""",
        ["step.skipped"] = """{"step":"fix","reason":"condition steps.lint.output.error_count > 0 is false (error_count = 0)"}""",
        ["step.awaiting_approval"] = """{"step":"deploy"}""",
        ["step.approved"] = """{"step":"deploy","by":"admin"}""",
        ["step.rejected"] = """{"step":"deploy","by":"admin","reason":"not today"}""",
        ["step.succeeded"] = """{"step":"lint","taskId":"0123456789abcdef","output":{"error_count":2}}""",
        ["step.failed"] = """{"step":"test","taskId":"0123456789abcdef","reason":"exit code 1","continued":true}""",
    };

    public static TheoryData<string> CatalogueTypes() => [.. EventCatalogue.Entries.Select(e => e.Type).Distinct()];

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Theory]
    [MemberData(nameof(CatalogueTypes))]
    public void Describe_EveryCatalogueType_ReadsAsALineOfItsOwn(string type)
    {
        Samples.ShouldContainKey(type, $"give {type} a sample here and a line in EventSummary");

        var line = EventSummary.Describe(type, Json(Samples[type]));

        line.ShouldNotBeNullOrWhiteSpace();
        line.ShouldNotStartWith("{", customMessage: $"{type} fell back to raw JSON: {line}");
        line.Length.ShouldBeLessThanOrEqualTo(EventSummary.MaxChars);
    }

    [Theory]
    [InlineData("task.checkpoint", """{"bytes":2048}""", "checkpoint saved (2 KB)")]
    [InlineData("task.checkpoint", """{"bytes":512}""", "checkpoint saved (512 bytes)")]
    [InlineData("task.started", """{"attempt":2,"worker":"w-1"}""", "attempt 2 on w-1")]
    [InlineData("task.queued", """{"retry":true,"previousStatus":"failed"}""", "queued again after failed")]
    [InlineData("task.retrying", """{"reason":"the model timed out","attempt":1}""", "attempt 1 failed, will retry: the model timed out")]
    [InlineData("task.answered", """{"author":"nightshift","answer":"go on","timedOut":true}""", "no answer in time, going on with: go on")]
    [InlineData("workspace.ready", """{"branch":"ns/t1","baseBranch":"main","baseCommit":"0123456789abcdef","resumed":true}""", "branch ns/t1 from main @ 0123456789ab (resumed)")]
    [InlineData("plan.ready", """{"mode":"planned","subtasks":[{},{},{}],"waves":[["a","b"],["c"]],"approved":true}""", "3 subtasks in 2 waves, approved")]
    [InlineData("plan.ready", """{"mode":"single","subtasks":[{}],"waves":[["a"]]}""", "one subtask, no planning")]
    [InlineData("subtask.started", """{"id":"s2","title":"Wire it","index":1,"total":3}""", "2/3 s2: Wire it")]
    [InlineData("model.response", """{"provider":"openai","model":"gpt-test","inputTokens":1200,"outputTokens":300,"costUsd":0.0125,"costKnown":true}""", "1,200 in / 300 out · $0.0125 · openai/gpt-test")]
    [InlineData("model.response", """{"provider":"ollama","model":"llama3","inputTokens":10,"outputTokens":5,"costUsd":null,"costKnown":false}""", "10 in / 5 out · cost unknown · ollama/llama3")]
    [InlineData("model.request", """{"role":"build","step":3,"messages":12,"estimatedTokens":4500}""", "build step 3 12 messages ~4,500 tokens")]
    [InlineData("tool.result", """{"tool":"run","isError":true,"content":"exit 1\nmore"}""", "run ✗ exit 1")]
    [InlineData("command.output", """{"command":"make","lines":["a","  b  "]}""", "make │ b (+1 lines)")]
    [InlineData("verify.started", """{"baseline":true,"commands":["make test","make lint"]}""", "baseline: make test && make lint")]
    [InlineData("verify.baseline", """{"passed":false,"failingTests":["A","B","C","D","E"]}""", "already failing on the base: A, B, C and 2 more")]
    [InlineData("verify.baseline", """{"passed":true,"failingTests":[]}""", "the base passes")]
    [InlineData("verify.failed", """{"round":1,"summary":"1 test fails","newFailures":["LoginTests.Works"]}""", "1 test fails: broke LoginTests.Works")]
    [InlineData("verify.passed", """{"round":1,"summary":"all pass","newFailures":[]}""", "all pass")]
    [InlineData("network.denied", """{"host":"10.0.0.1","port":80,"method":"GET","reason":"a private address"}""", "GET 10.0.0.1:80: a private address")]
    [InlineData("commit.created", """{"commit":"0123456789abcdef","subtask":"s1","merged":false}""", "0123456789ab for s1")]
    [InlineData("pr.opened", """{"reference":"https://forge.test/pr/1","title":"Fix","draft":true}""", "https://forge.test/pr/1 (draft) “Fix”")]
    [InlineData("task.failed", """{"reason":"verification kept failing"}""", "verification kept failing")]
    [InlineData("task.failed", """{"error":"the organisation's daily budget of $5.00 is used up ($5.12 spent today)","budget":{"kind":"day","limitUsd":5.0,"spentUsd":5.12},"reason":"budget_exhausted","attempt":1}""", "the organisation's daily budget of $5.00 is used up ($5.12 spent today)")]
    [InlineData("task.succeeded", """{}""", "")]
    public void Describe_KnownType_ReadsAsExpected(string type, string data, string expected) =>
        EventSummary.Describe(type, Json(data)).ShouldBe(expected);

    [Theory]
    [InlineData("[]")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Describe_DataNotAnObject_IsEmpty(string data) =>
        EventSummary.Describe("task.checkpoint", Json(data)).ShouldBe("");

    [Fact]
    public void Describe_DefaultElement_IsEmpty() =>
        EventSummary.Describe("task.phase", default).ShouldBe("");

    [Fact]
    public void Describe_UnknownType_UsesTheMostTellingField() =>
        EventSummary.Describe("future.thing", Json("""{"name":"n","reason":"why it happened"}""")).ShouldBe("why it happened");

    [Fact]
    public void Describe_UnknownTypeWithoutTellingFields_ShowsTheJsonCut()
    {
        var line = EventSummary.Describe("future.thing", Json($$"""{"n":"{{new string('x', 400)}}"}"""));

        line.ShouldStartWith("{\"n\":\"xxx");
        line.Length.ShouldBe(EventSummary.MaxChars);
        line.ShouldEndWith("…");
    }

    [Fact]
    public void Describe_NullOrEmptyType_StillGivesTheGenericLine()
    {
        EventSummary.Describe(null, Json("""{"message":"m"}""")).ShouldBe("m");
        EventSummary.Describe("", Json("{}")).ShouldBe("");
    }

    [Fact]
    public void Describe_OversizedText_IsCutToOneLine()
    {
        var huge = new string('a', 1_000_000);

        var line = EventSummary.Describe("task.question", Json($$"""{"question":"{{huge}}"}"""));

        line.Length.ShouldBe(EventSummary.MaxChars);
        line.ShouldEndWith("…");
    }

    [Fact]
    public void Describe_TerminalEscapesAndLineBreaks_AreFlattened()
    {
        var line = EventSummary.Describe("task.message", Json("""{"author":"x\u001b]0;pwned\u0007","text":"\u001b[31mred\u001b[0m\r\nnext\u202eline"}"""));

        line.ShouldNotContain("\u001b");
        line.ShouldNotContain("\u0007");
        line.ShouldNotContain("\u202e");
        line.ShouldNotContain("\n");
        line.ShouldNotContain("\r");
        line.ShouldContain("red");
    }

    [Theory]
    [InlineData("model.response", """{"inputTokens":1e400,"outputTokens":"many","costUsd":-5,"costKnown":"yes"}""")]
    [InlineData("model.response", """{"inputTokens":1,"outputTokens":1,"costUsd":1e400}""")]
    [InlineData("task.checkpoint", """{"bytes":99999999999999999999999}""")]
    [InlineData("task.checkpoint", """{"bytes":-1}""")]
    [InlineData("subtask.started", """{"index":9223372036854775807,"total":-1,"id":7}""")]
    [InlineData("command.output", """{"command":null,"lines":[1,null,{"a":1}]}""")]
    [InlineData("plan.partial", """{"index":"0","subtask":"not an object"}""")]
    [InlineData("verify.baseline", """{"passed":"no","failingTests":"A"}""")]
    public void Describe_FieldsOfTheWrongKind_StillGiveALine(string type, string data)
    {
        var line = EventSummary.Describe(type, Json(data));

        line.Length.ShouldBeLessThanOrEqualTo(EventSummary.MaxChars);
        line.ShouldNotContain("\n");
    }

    [Theory]
    [MemberData(nameof(CatalogueTypes))]
    public void Describe_EveryCatalogueTypeWithEveryFieldOfTheWrongKind_DoesNotThrow(string type)
    {
        using var sample = JsonDocument.Parse(Samples.GetValueOrDefault(type, "{}"));
        foreach (var wrong in new[] { "true", "null", "[[1]]", "{\"x\":{}}", "-1", "1e300", "\"\"" })
        {
            var fields = sample.RootElement.EnumerateObject().Select(p => $"\"{p.Name}\":{wrong}");
            var line = EventSummary.Describe(type, Json("{" + string.Join(',', fields) + "}"));

            line.Length.ShouldBeLessThanOrEqualTo(EventSummary.MaxChars);
        }
    }

    [Fact]
    public void IsBookkeeping_TheCatalogue_MarksOnlyTheBookkeepingEvents()
    {
        var marked = EventCatalogue.AllTypes().Where(EventSummary.IsBookkeeping).Order(StringComparer.Ordinal);

        marked.ShouldBe(["model.request", "network.allowed", "plan.partial", "task.checkpoint"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("TASK.CHECKPOINT")]
    [InlineData("task.checkpoint ")]
    [InlineData("future.thing")]
    public void IsBookkeeping_UnknownOrMalformedType_IsFalse(string? type) =>
        EventSummary.IsBookkeeping(type).ShouldBeFalse();
}
